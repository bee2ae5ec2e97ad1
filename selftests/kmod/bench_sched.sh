#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scheduling cost benchmark: guest nanoseconds (under icount: instructions)
# per new UDP connection for each scheduler with 10, 100 and 1000 real
# servers, halb beside IPVS in the same boot.  Prints figures, never fails.
#
#   selftests/vm/run --kernel 6.12 --icount -- selftests/kmod/bench_sched.sh
#
#   client c                  director d
#   eth0 198.51.100.2 ------- eth0 198.51.100.1
#   raw socket: one packet    lo VIP 203.0.113.1, service VIP:port -> N
#   per new flow (source      real servers 10.0.x.y:53 (NAT), routed to
#   port counts up)           dummy0, which drops them
#
# Each measurement: a fresh service (restored from one ipvsadm -R /
# halbctl -R script), WARM flows, then FLOWS flows timed by the sender.
# On one vCPU the director's work runs in the sender's softirq, so the
# time covers client send, veth, hook, scheduling, connection, NAT and
# routing.  The connection timeout is set to 2 s and each service waits
# for its connections to expire before the next, so every measurement
# starts with an empty connection table.
. "$(dirname "$0")/lib.sh"

FLOWS=${BENCH_FLOWS:-2000}
WARM=${BENCH_WARM:-200}
SIZES=${BENCH_SIZES:-10 100 1000}
SCHEDS=${BENCH_SCHEDS:-rr wrr lc wlc sed nq fo ovf twos sh dh mh lblc lblcr}
IPVS_MODS="ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf
	   ip_vs_twos ip_vs_sh ip_vs_dh ip_vs_mh ip_vs_lblc ip_vs_lblcr"

if [ ! -x "$BIN/schedtool" ]; then
	BIN=$(mktemp -d /tmp/halb-bin.XXXXXX)
	gcc -O2 -Wall -Wextra -Werror -I"$TOP/include" -o "$BIN/schedtool" \
		"$(dirname "$0")/schedtool.c" &&
	gcc -O2 -Wall -Wextra -Werror -o "$BIN/udptool" "$(dirname "$0")/udptool.c" || exit 0
fi

topo_up 1
modprobe dummy 2>/dev/null
nsx d ip link add dummy0 type dummy
nsx d ip link set dummy0 up
nsx d ip route add 10.0.0.0/16 dev dummy0

echo "# scheduling cost: $FLOWS new UDP flows per figure after $WARM warm-up, $(nproc) CPU, kernel $(uname -r)"
grep -q icount /proc/cmdline 2>/dev/null || true

# script SCHED N PORT: the service and its N real servers, ipvsadm -R syntax
script() {
	local s=$1 n=$2 port=$3 i
	echo "-A -u $VIP4:$port -s $s"
	for i in $(seq 0 $((n - 1))); do
		echo "-a -u $VIP4:$port -r 10.0.$((i / 250)).$((i % 250 + 1)):53 -m -w $((i % 3 + 1))"
	done
}

out=$WORK/bench
port=7000
for be in ipvs halb; do
	case $be in
	ipvs)	modprobe -a ip_vs $IPVS_MODS || continue
		adm ipvs --set 0 0 2 ;;
	halb)	modprobe -r $IPVS_MODS ip_vs 2>/dev/null
		load_halb || continue
		echo 2 > /sys/module/halb/parameters/udp_timeout ;;
	esac
	for s in $SCHEDS; do
		for n in $SIZES; do
			port=$((port + 1))
			if ! script "$s" "$n" $port | adm "$be" -R; then
				echo "$be $s $n -" >> "$out"
				continue
			fi
			nsx c "$BIN/schedtool" blast $VIP4 $port "$WARM" 0 >/dev/null
			ns=$(nsx c "$BIN/schedtool" blast $VIP4 $port "$FLOWS" "$WARM")
			echo "$be $s $n $((ns / FLOWS))" >> "$out"
			echo "# $be $s $n: $((ns / FLOWS)) ns/flow"
			adm "$be" -D -u "$VIP4:$port"
			# let this service's connections expire (guest idle is free)
			sleep 3
		done
	done
	[ "$be" = halb ] && adm halb -C
done

# the table: scheduler x pool size, halb then IPVS, and 1000/10
awk -v sizes="$SIZES" '
	{ v[$1 " " $2 " " $3] = $4; if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
	END {
		ns = split(sizes, sz, " ")
		printf "%-6s", "sched"
		for (b = 1; b <= 2; b++) {
			be = b == 1 ? "halb" : "ipvs"
			for (i = 1; i <= ns; i++) printf " %9s", be "@" sz[i]
			printf " %9s", be " x"
		}
		printf "\n"
		for (j = 1; j <= k; j++) {
			s = order[j]; printf "%-6s", s
			for (b = 1; b <= 2; b++) {
				be = b == 1 ? "halb" : "ipvs"
				for (i = 1; i <= ns; i++) printf " %9s", v[be " " s " " sz[i]]
				lo = v[be " " s " " sz[1]]; hi = v[be " " s " " sz[ns]]
				if (lo > 0 && hi > 0) printf " %9.2f", hi / lo; else printf " %9s", "-"
			}
			printf "\n"
		}
	}' "$out"
echo "# ns per new flow (icount: instructions); 'x' = cost at ${SIZES##* } servers / cost at ${SIZES%% *}"
adm halb -C 2>/dev/null
unload_halb
exit 0
