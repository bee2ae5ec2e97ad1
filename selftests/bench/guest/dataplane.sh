#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage "dataplane": per-packet cost of established flows.  BENCH_FLOWS UDP
# flows (default 1000) are warmed (one connection each), then BENCH_PKTS
# 64-byte packets (default 50000) are sent over them by pktgen; the figure
# is busy guest instructions per packet.  Each round measures plain IP
# forwarding through the director (no load balancer loaded), then IPVS DR,
# NAT, TUN, then halb DR, NAT, TUN, FULLNAT, and reports each load balancer
# as its cost over plain forwarding.  FULLNAT is compared with IPVS NAT
# (IPVS has no FULLNAT).  Every mode has its own VIP port, and each backend
# loads fresh, so no connection of one mode serves another.
. "$(dirname "$0")/lib.sh"

S=dataplane
SEC="Per-packet cost, established flows (marginal over IP forwarding)"
build_tools || exit 1
bench_topo_up
bench_header $S
comment $S "$FLOWS flows, $PKTS packets of 64 bytes per figure, pktgen over veth, sink drops at tc ingress"

declare -A PORT=([DR]=53 [NAT]=54 [TUN]=55 [FULLNAT]=56)
declare -A OPT=([DR]=-g [NAT]=-m [TUN]=-i [FULLNAT]=-b)

setup() {
	local be=$1 m=$2 p=${PORT[$2]} la=
	[ "$m" = FULLNAT ] && la="--laddr $LADDR"
	# shellcheck disable=SC2086
	adm "$be" -A -u $VIP4:$p -s rr $la &&
	# DR and TUN cannot change the port: the real server takes the VIP's
	local rs=$RS1:53
	[ "$m" = DR ] || [ "$m" = TUN ] && rs=$RS1
	adm "$be" -a -u $VIP4:$p -r $rs ${OPT[$m]}
}

for r in $(seq 1 "$ROUNDS"); do
	backend none
	fwd=$(per_packet $RS1 53)
	echo "$fwd" >> "$WORK/fwd"
	echo "# round $r: forwarding $fwd instructions/packet"
	for be in ipvs halb; do
		backend $be || { echo "# cannot load $be"; continue; }
		for m in DR NAT TUN FULLNAT; do
			[ $be = ipvs ] && [ $m = FULLNAT ] && continue
			if ! setup $be $m; then
				echo "# $be $m: set-up failed"
				continue
			fi
			v=$(per_packet $VIP4 "${PORT[$m]}")
			echo $((v - fwd)) >> "$WORK/$be.$m"
			echo "# round $r: $be $m $v instructions/packet, +$((v - fwd)) over forwarding"
		done
	done
done
backend none

for m in DR NAT TUN FULLNAT; do
	ref=$m goal=-
	[ $m = FULLNAT ] && ref=NAT
	[ $m = DR ] || [ $m = NAT ] && goal='ratio<=0.7'
	[ -s "$WORK/halb.$m" ] || continue
	row $S "$SEC" "$m" "instructions/packet" "$(samples "$WORK/halb.$m")" \
		"IPVS $ref" "$(samples "$WORK/ipvs.$ref" 2>/dev/null)" "$goal"
done
row $S "$SEC" "plain IP forwarding (absolute)" "instructions/packet" \
	"$(samples "$WORK/fwd")" "-" "" "-"
exit 0
