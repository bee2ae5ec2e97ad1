#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Not a stage: where the per-packet instructions of one forwarding method go,
# halb beside IPVS.  ftrace's function profiler counts kernel function calls
# while BENCH_PROF_PKTS (default 5000) established packets pass; prints the
# calls per packet of the busiest functions for each backend.
#
#   selftests/vm/run --kernel 6.12 --icount -- selftests/bench/guest/profile.sh [NAT|DR|TUN]
. "$(dirname "$0")/lib.sh"

M=${1:-NAT}
N=${BENCH_PROF_PKTS:-5000}
T=/sys/kernel/tracing
build_tools || exit 1
bench_topo_up
declare -A PORT=([DR]=53 [NAT]=54 [TUN]=55)
declare -A OPT=([DR]=-g [NAT]=-m [TUN]=-i)
rs=$RS1:53
[ "$M" = NAT ] || rs=$RS1

for be in none ipvs halb; do
	backend $be || continue
	dst=$VIP4 port=${PORT[$M]}
	if [ $be = none ]; then
		dst=$RS1 port=53
	else
		adm $be -A -u $VIP4:$port -s rr && adm $be -a -u $VIP4:$port -r $rs ${OPT[$M]} || continue
	fi
	pktgen $dst $port "$FLOWS" 198.51.100.2 198.51.100.2 10000 $((10000 + FLOWS)) >/dev/null 2>&1
	echo 0 > $T/function_profile_enabled
	echo > $T/set_ftrace_filter
	echo 1 > $T/function_profile_enabled
	pktgen $dst $port "$N" 198.51.100.2 198.51.100.2 10000 $((10000 + FLOWS)) >/dev/null 2>&1
	echo 0 > $T/function_profile_enabled
	echo "# $be $M: kernel function calls per packet (top 45)"
	awk -v n="$N" 'FNR > 2 && $2 > 0 { printf "%-40s %8.2f\n", $1, $2 / n }' $T/trace_stat/function0 |
		sort -k2 -n -r | head -45
done
backend none
exit 0
