#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark stage 8: health-check reaction, halbd against keepalived 2.2.7
# with the same checker settings.  Prints figures, never fails on them.
#
# Invocation: on the HOST, as root (network namespaces, no kernel module):
#
#   selftests/bench/check_reaction.sh
#
# Rows go to "$BENCH_OUT/check_reaction.tsv" (BENCH_OUT: default a temp dir,
# and the file is printed at the end).  Environment: CR_REPS (20 per
# checker and daemon), CR_CHECKS ("TCP_CHECK HTTP_GET").
#
# Neither daemon runs its checkers without its kernel table, and the host
# kernel has neither halb.ko nor ip_vs (and cannot load modules):
# - keepalived -C stops at "IPVS: Can't initialize ipvs", so it runs with
#   LD_PRELOAD of a small shim (built here from the text below) that answers
#   its IPVS socket options as an empty kernel table that accepts every
#   change (libipvs falls back to socket options when the IPVS genetlink
#   family is absent, as it is here);
# - halbd logs "cannot reach halb.ko" and applies no virtual_server, so it
#   is built from userspace/ with lvs_nl.c replaced by the same kind of stub
#   (every kernel call succeeds) and halb_open() wrapped.
# Everything else (config parser, check scheduling, retries, removal,
# notify scripts, logging) is each daemon's own unchanged code.
#
#   +------------------------+   veth   +--------------------------+
#   | ns IMPL-c: the daemon  +----------+ ns IMPL-s: busybox httpd |
#   | 192.0.2.1              |          | 192.0.2.2:80 (/health)   |
#   +------------------------+          +--------------------------+
#   one pair per implementation (h: halbd, k: keepalived), rounds
#   alternate h/k/h/k.
#
# Both run one virtual_server 203.0.113.1:80 with one real_server
# 192.0.2.2:80: delay_loop 1, connect_timeout 1, retry 1,
# delay_before_retry 1, and TCP_CHECK or HTTP_GET (url /health, status 200),
# plus notify_up/notify_down scripts.  A repetition: the httpd is (re)started,
# the daemon reports it up (notify_up), a random 0-1 s later (anywhere in
# the check cycle) it gets SIGKILL; measured from the kill to
#  - removal logged: the daemon's log line of the removal from the table
#    (halbd "real server ... removed", keepalived "Removing service ..."),
#    timestamped by one reader of each daemon's console log (-l) (the
#    keepalived log has only whole seconds, so both are stamped on arrival
#    in the same way; halbd's own ms stamp is printed alongside);
#  - notify_down: the notify_down script's own clock (bash $EPOCHREALTIME).
# The expected window: the next check (within delay_loop) fails, one retry
# delay_before_retry later fails too: 1-2 s after the kill.  Goal ratio<=1.0.
set -u
# One compound command, parsed before it runs (safe against edits mid-run).
{
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
STAGE=check_reaction
REPS=${CR_REPS:-20}
CHECKS=${CR_CHECKS:-TCP_CHECK HTTP_GET}
prefix=cr$$
dir=$(mktemp -d /tmp/halb-bench-cr.XXXXXX)

if [ "$(id -u)" != 0 ]; then
	echo "# check_reaction: needs root (network namespaces); not measured"
	exit 0
fi
if [ -n "${BENCH_OUT:-}" ]; then
	out=$BENCH_OUT
else
	out=$(mktemp -d /tmp/halb-bench.XXXXXX)
	standalone=1
fi
mkdir -p "$out"
tsv=$out/$STAGE.tsv
: > "$tsv"

declare -A dpid spid LOG
cleanup() {
	local n p
	for p in "${dpid[@]}"; do [ -n "$p" ] && kill -9 -- "-$p" 2>/dev/null; done
	for n in $(ip netns list | awk '{print $1}' | grep "^$prefix-"); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	[ -n "${KEEP:-}" ] && echo "# logs kept in $dir" || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

row() { local l; l=$(printf '%s\t' "$@"); echo "${l%$'\t'}" >> "$tsv"; }
now_ms() { date +%s%3N; }
busywait() {	# busywait TIMEOUT_MS CMD...
	local end=$(($(now_ms) + $1)); shift
	until "$@"; do [ "$(now_ms)" -ge "$end" ] && return 1; sleep 0.02; done
}

# --- builds: halbd with a stub kernel table, the IPVS shim for keepalived -------
cat > "$dir/lvs_stub.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
/* halbd's kernel calls (struct lvs_ops) as an empty table accepting every change. */
#include "halbd/lvs.h"
#include "halbd/lvs_nl.h"

static int list_services(void *c, struct halb_service **s, size_t *n)
{ (void)c; *s = NULL; *n = 0; return 0; }
static int list_dests(void *c, const struct halb_service *k, struct halb_dest **d, size_t *n)
{ (void)c; (void)k; *d = NULL; *n = 0; return 0; }
static int svc_op(void *c, const struct halb_service *s) { (void)c; (void)s; return 0; }
static int dest_op(void *c, const struct halb_service *k, const struct halb_dest *d)
{ (void)c; (void)k; (void)d; return 0; }
static const char *last_error(void *c) { (void)c; return ""; }

const struct lvs_ops lvs_nl_ops = {
	.list_services = list_services, .list_dests = list_dests,
	.add_service = svc_op, .edit_service = svc_op, .del_service = svc_op,
	.add_dest = dest_op, .edit_dest = dest_op, .del_dest = dest_op,
	.last_error = last_error,
};

static int handle;
int __wrap_halb_open(struct halb_handle **h) { *h = (struct halb_handle *)&handle; return 0; }
void __wrap_halb_close(struct halb_handle *h) { (void)h; }
EOF
cat > "$dir/ipvs_shim.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
/* LD_PRELOAD for keepalived: IPVS socket options (IP_VS_BASE_CTL 1152 and up)
 * answered as an empty table at version 1.2.1 that accepts every change. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define IPVS_BASE 1152
static int is_ipvs(int level, int opt) { return level == IPPROTO_IP && opt >= IPVS_BASE && opt < IPVS_BASE + 32; }

int setsockopt(int fd, int level, int opt, const void *val, socklen_t len)
{
	static int (*real)(int, int, int, const void *, socklen_t);

	if (is_ipvs(level, opt))
		return 0;
	if (!real)
		real = (int (*)(int, int, int, const void *, socklen_t))dlsym(RTLD_NEXT, "setsockopt");
	return real(fd, level, opt, val, len);
}

int getsockopt(int fd, int level, int opt, void *val, socklen_t *len)
{
	static int (*real)(int, int, int, void *, socklen_t *);

	if (is_ipvs(level, opt)) {
		memset(val, 0, *len);
		if (opt == IPVS_BASE)		/* IP_VS_SO_GET_VERSION */
			snprintf(val, *len, "IP Virtual Server version 1.2.1 (size=4096)");
		else if (opt == IPVS_BASE + 1 && *len >= 12) {	/* IP_VS_SO_GET_INFO */
			unsigned int *u = val;

			u[0] = 0x010201;
			u[1] = 4096;
		}
		return 0;
	}
	if (!real)
		real = (int (*)(int, int, void *, socklen_t *))dlsym(RTLD_NEXT, "getsockopt");
	return real(fd, level, opt, val, len);
}
EOF
# shellcheck disable=SC2046
if ! cc -O2 -g -Wall -Wextra -std=gnu11 -D_GNU_SOURCE -I"$top/include" -I"$top/userspace" \
	$(pkg-config --cflags libnl-route-3.0 libnl-genl-3.0) -o "$dir/halbd" \
	$(ls "$top"/userspace/halbd/*.c | grep -v '/lvs_nl\.c$') "$top"/userspace/common/*.c \
	"$top"/userspace/lib/*.c "$dir/lvs_stub.c" -Wl,--wrap=halb_open,--wrap=halb_close \
	$(pkg-config --libs libnl-route-3.0 libnl-genl-3.0 openssl) > "$dir/build.log" 2>&1; then
	sed 's/^/# /' "$dir/build.log" | head -20
	echo "# check_reaction: halbd (stub kernel table) does not build; not measured"
	exit 0
fi
have_keepalived=0
if command -v keepalived > /dev/null &&
   cc -O2 -Wall -Wextra -shared -fPIC -o "$dir/ipvs_shim.so" "$dir/ipvs_shim.c" -ldl \
	> "$dir/shim.log" 2>&1; then
	have_keepalived=1
fi
kver=$(keepalived -v 2>&1 | head -1)

# --- topology and servers -------------------------------------------------------
ns() { echo "$prefix-$1"; }
for i in h k; do
	ip netns add "$(ns "$i-c")" && ip netns add "$(ns "$i-s")" &&
	ip link add eth0 netns "$(ns "$i-c")" type veth peer name eth0 netns "$(ns "$i-s")" &&
	ip -n "$(ns "$i-c")" link set lo up && ip -n "$(ns "$i-s")" link set lo up &&
	ip -n "$(ns "$i-c")" addr add 192.0.2.1/24 dev eth0 &&
	ip -n "$(ns "$i-s")" addr add 192.0.2.2/24 dev eth0 &&
	ip -n "$(ns "$i-c")" link set eth0 up && ip -n "$(ns "$i-s")" link set eth0 up ||
		{ echo "# check_reaction: topology set-up failed; not measured"; exit 0; }
done
mkdir -p "$dir/www"
echo "halb health page" > "$dir/www/health"

listening() { ip netns exec "$(ns "$1-s")" ss -Hltn 'sport = :80' | grep -q .; }
httpd_start() {	# httpd_start IMPL: not a job of this shell (no "Killed" notes)
	( ip netns exec "$(ns "$1-s")" busybox httpd -f -p 192.0.2.2:80 -h "$dir/www" \
		> /dev/null 2>&1 & echo $! > "$dir/httpd.$1" )
	spid[$1]=$(cat "$dir/httpd.$1")
	busywait 5000 listening "$1"
}
dead() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null); [ -z "$s" ] || [[ $s == Z* ]]; }

# notify.sh IMPL up|down: one line, the script's own clock, no fork
printf '#!/bin/bash\necho "$EPOCHREALTIME $2" >> "%s/notify.$1"\n' "$dir" > "$dir/notify.sh"
chmod 755 "$dir/notify.sh"

# conf FILE IMPL CHECK: the same text for both daemons
conf() {
	local chk
	case $3 in
	TCP_CHECK) chk="        TCP_CHECK {
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }" ;;
	HTTP_GET) chk="        HTTP_GET {
            url {
                path /health
                status_code 200
            }
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }" ;;
	esac
	cat > "$1" <<EOF
global_defs {
    router_id $2
    script_user root
}
virtual_server 203.0.113.1 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 192.0.2.2 80 {
        weight 1
        notify_up "$dir/notify.sh $2 up"
        notify_down "$dir/notify.sh $2 down"
$chk
    }
}
EOF
}

# stamp: each console line prefixed with the reader's clock at arrival
stamp() { local l; while IFS= read -r l; do echo "$EPOCHREALTIME $l"; done; }

# start IMPL CHECK: the daemon in its own process group, console log stamped
start() {
	local i=$1 cf=$dir/$1-$2.conf
	conf "$cf" "$i" "$2"
	LOG[$i]=$dir/$i-$2.log
	case $i in
	h) setsid ip netns exec "$(ns h-c)" "$dir/halbd" -n -l -D -f "$cf" -p "$dir/h.pid" \
		--control "$dir/h.sock" 2>&1 | stamp >> "${LOG[$i]}" & ;;
	k) setsid ip netns exec "$(ns k-c)" env LD_PRELOAD="$dir/ipvs_shim.so" keepalived -n -l -D -C \
		-f "$cf" -p "$dir/k.pid" -c "$dir/k.cpid" 2>&1 | stamp >> "${LOG[$i]}" & ;;
	esac
	busywait 5000 eval "[ -s '$dir/$i.pid' ]"
	dpid[$i]=$(cat "$dir/$i.pid" 2>/dev/null)
}
stop() {	# stop IMPL
	local p=${dpid[$1]:-} k
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null
	for k in $(seq 1 250); do kill -0 "$p" 2>/dev/null || break; sleep 0.02; done
	kill -9 "$p" 2>/dev/null
	dpid[$1]=
	rm -f "$dir/$1.pid"
}

# the removal line of each daemon
removed_re() {
	case $1 in
	h) echo ': real server 192.0.2.2:80 removed' ;;
	k) echo 'Removing service \[192.0.2.2\]:tcp:80 from VS' ;;
	esac
}
count() { local c; c=$(grep -c -- "$2" "$1" 2>/dev/null); echo "${c:-0}"; }

# one IMPL: one repetition; prints "LOG_MS NOTIFY_MS [HALBD_OWN_MS]" or "- why"
one() {
	local i=$1 nf=$dir/notify.$1 lg=${LOG[$1]} re n_up n_down n_rm d t_kill t_log t_nd t_own
	re=$(removed_re "$i")
	n_up=$(count "$nf" ' up$') n_down=$(count "$nf" ' down$') n_rm=$(count "$lg" "$re")
	if ! listening "$i"; then
		httpd_start "$i" || { echo "- httpd"; return; }
		# revived: wait for the daemon's notify_up
		busywait 10000 eval "[ \$(count '$nf' ' up\$') -gt $n_up ]" || { echo "- no-up"; return; }
	fi
	d=$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", 0.3 + r / 32768 }')
	sleep "$d"
	t_kill=$EPOCHREALTIME
	kill -9 "${spid[$i]}"
	busywait 2000 dead "${spid[$i]}"
	if ! busywait 10000 eval "[ \$(count '$nf' ' down\$') -gt $n_down ] &&
			[ \$(count '$lg' '$re') -gt $n_rm ]"; then
		echo "- no-down"
		tail -n 4 "$lg" | sed "s/^/# $i log: /" >&2
		tail -n 2 "$nf" | sed "s/^/# $i notify: /" >&2
		return
	fi
	t_nd=$(grep ' down$' "$nf" | tail -1 | cut -d' ' -f1)
	t_log=$(grep -- "$re" "$lg" | tail -1 | cut -d' ' -f1)
	t_own=-
	[ "$i" = h ] && t_own=$(grep -- "$re" "$lg" | tail -1 | awk -v k="$t_kill" '{ printf "%.1f", ($2 - k) * 1000 }')
	awk -v k="$t_kill" -v l="$t_log" -v n="$t_nd" -v o="$t_own" \
		'BEGIN { printf "%.1f %.1f %s\n", (l - k) * 1000, (n - k) * 1000, o }'
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mmm() {
	local s=$1
	[ -n "$s" ] || { echo "no samples"; return; }
	echo "min $(tr ' ' '\n' <<<"$s" | grep . | sort -g | head -1)" \
	     "median $(median <<<"$s")" "max $(tr ' ' '\n' <<<"$s" | grep . | sort -g | tail -1)" \
	     "(n=$(wc -w <<<"$s"))"
}
ratio() {
	[ -n "$1" ] && [ -n "$2" ] || { echo -; return; }
	awk -v a="$(median <<<"$1")" -v b="$(median <<<"$2")" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'
}

# --- run ------------------------------------------------------------------------
impls=h
[ "$have_keepalived" = 1 ] && impls="h k"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# stage 8, check reaction: halbd vs $kver (IPVS shim), $REPS repetitions per checker"
echo "# host: $(nproc) CPUs, load average at start $load0"
row "# stage 8 health-check reaction, host real time, halbd vs $kver, identical checker settings (delay_loop 1, connect_timeout 1, retry 1, delay_before_retry 1); load average at start $load0"
row "# kernel tables stubbed on both sides (halbd: lvs_ops stub; keepalived: LD_PRELOAD IPVS sockopt shim); expected 1000-2000 ms after the kill"
summary=()
for chk in $CHECKS; do
	declare -A L=() N=() O=()
	bad=""
	for i in $impls; do
		httpd_start "$i" || { echo "# httpd did not start"; exit 0; }
		start "$i" "$chk"
	done
	# every daemon sees its server up first (no notify_up at start: wait 2 checks)
	sleep 2.5
	for r in $(seq 1 "$REPS"); do
		for i in $impls; do
			res=$(one "$i")
			if [ "${res%% *}" = - ]; then
				bad+=" $i:${res#* }"
			else
				read -r a b c <<<"$res"
				L[$i]+="$a " N[$i]+="$b "
				[ "$c" != - ] && O[$i]+="$c "
			fi
			echo "# $chk rep $r $([ "$i" = h ] && echo halbd || echo keepalived): $res"
		done
	done
	for i in $impls; do
		stop "$i"
		kill -9 "${spid[$i]}" 2>/dev/null
	done
	row "# $chk: halbd's own log stamps for the same removals (ms): $(echo ${O[h]:-})${bad:+; failed repetitions:$bad}"
	row check_reaction "$chk: httpd killed -> removal logged" ms "$(echo ${L[h]:-})" keepalived "$(echo ${L[k]:-})" "ratio<=1.0"
	row check_reaction "$chk: httpd killed -> notify_down ran" ms "$(echo ${N[h]:-})" keepalived "$(echo ${N[k]:-})" "ratio<=1.0"
	summary+=("$chk: killed -> removal logged|${L[h]:-}|${L[k]:-}")
	summary+=("$chk: killed -> notify_down ran|${N[h]:-}|${N[k]:-}")
	summary+=("$chk: killed -> removal, halbd's own log stamp|${O[h]:-}|")
	unset L N O
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
row "# load average at end $load1"

echo "== check reaction summary (host real time, ms; expected 1000-2000; load average $load0 at start, $load1 at end) =="
for s in "${summary[@]}"; do
	IFS='|' read -r label h k <<<"$s"
	echo "  $label"
	echo "    halbd:      $(mmm "$h")"
	[ -n "$k" ] && echo "    keepalived: $(mmm "$k")" &&
		echo "    ratio of medians $(ratio "$h" "$k"), goal ratio<=1.0"
done
if [ -n "${standalone:-}" ]; then
	echo "# $tsv:"
	cat "$tsv"
fi
exit 0
}
