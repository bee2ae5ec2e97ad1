#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage "sched": scheduling cost per new connection for each scheduler with
# 10, 100 and 1000 real servers, halb beside IPVS in the same boot.  The
# figure is guest nanoseconds (under icount: instructions) per new UDP
# connection, as the sender times them.  Prints figures, never fails.
#
#   client c                  director d
#   eth0 198.51.100.2 ------- eth0 198.51.100.1
#   raw socket: one packet    lo VIP 203.0.113.1, service VIP:port -> N
#   per new flow (source      real servers 203.0.113.2..251, ports 53..56
#   port counts up)           (NAT; 1000 = 250 addresses x 4 ports), routed
#                             to dummy0, which drops them
#
# Each measurement: a fresh service (restored from one ipvsadm -R /
# halbctl -R script), BENCH_WARM flows, then BENCH_SCHED_FLOWS (1000) flows timed
# by the sender.  On one vCPU the director's work runs in the sender's
# softirq, so the time covers client send, veth, hook, scheduling,
# connection, NAT and routing; the sender never idles, so elapsed time is
# busy time.  The connection timeout is 2 s and each service waits for its
# connections to expire before the next, so every measurement starts with
# an empty connection table (guest idle time is free under icount).
. "$(dirname "$0")/lib.sh"

S=sched
SEC="Scheduling cost vs pool size (new UDP connection, NAT)"
FLOWS=${BENCH_SCHED_FLOWS:-1000}
WARM=${BENCH_WARM:-200}
SIZES=${BENCH_SIZES:-10 100 1000}
SCHEDS=${BENCH_SCHEDS:-rr wrr lc wlc sed nq fo ovf twos sh dh mh lblc lblcr}
ROUNDS=${BENCH_SCHED_ROUNDS:-1}

build_tools || exit 1
bench_topo_up
modprobe dummy 2>/dev/null
nsx d ip link add dummy0 type dummy
nsx d ip link set dummy0 up
nsx d ip route add 203.0.113.0/24 dev dummy0
bench_header $S
comment $S "$FLOWS new UDP flows per figure after $WARM warm-up"

# script SCHED N PORT: the service and its N real servers, ipvsadm -R syntax
script() {
	local s=$1 n=$2 port=$3 i
	echo "-A -u $VIP4:$port -s $s"
	for i in $(seq 0 $((n - 1))); do
		echo "-a -u $VIP4:$port -r 203.0.113.$((i % 250 + 2)):$((53 + i / 250)) -m -w $((i % 3 + 1))"
	done
}

port=7000
for r in $(seq 1 "$ROUNDS"); do
	for be in ipvs halb; do
		case $be in
		ipvs)	backend none
			# shellcheck disable=SC2086
			modprobe -a ip_vs $IPVS_MODS || continue
			adm ipvs --set 0 0 2 ;;
		halb)	backend halb || continue
			echo 2 > /sys/module/halb/parameters/udp_timeout ;;
		esac
		for s in $SCHEDS; do
			for n in $SIZES; do
				port=$((port + 1))
				if ! script "$s" "$n" $port | adm "$be" -R; then
					echo "# $be $s $n: set-up failed"
					continue
				fi
				nsx c "$BIN/schedtool" blast $VIP4 $port "$WARM" 0 >/dev/null
				ns=$(nsx c "$BIN/schedtool" blast $VIP4 $port "$FLOWS" "$WARM")
				echo $((ns / FLOWS)) >> "$WORK/$be.$s.$n"
				echo "# round $r: $be $s $n: $((ns / FLOWS)) ns/flow"
				adm "$be" -D -u "$VIP4:$port"
				# let this service's connections expire
				sleep 3
			done
		done
	done
done
backend none

for s in $SCHEDS; do
	for n in $SIZES; do
		[ -s "$WORK/halb.$s.$n" ] || continue
		row $S "$SEC" "$s @ $n servers" "instructions/new conn" \
			"$(samples "$WORK/halb.$s.$n")" "IPVS" "$(samples "$WORK/ipvs.$s.$n" 2>/dev/null)" \
			'flat<=1.10'
	done
done
exit 0
