// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the configuration parser: any bytes must give a
 * model or errors, never a crash, a leak or an overrun.
 */
#include <stdint.h>
#include <stdlib.h>

#include "halbd/cfg_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_diag d = { 0 };
	struct cfg_model *m = cfg_load_buf("fuzz.conf", (const char *)data, size, "main", &d);

	if (m) {
		for (struct cfg_instance *vi = m->instances; vi; vi = vi->next)
			if (vi->vrid < 1 || vi->vrid > 255 || !vi->ifname[0])
				abort();	/* the parser promised a runnable instance */
		cfg_model_free(m);
	}
	return 0;
}
