#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage "newconn": new TCP connections per guest-second through the VIP
# (NAT).  One conntool client process makes BENCH_CONNS connections one
# after the other (connect, small request, read the reply, close) to a
# one-process server on r2; the figure is connections per busy guest second
# (icount: per 10^9 instructions), for the whole path (client, director,
# server).  Each round: direct to the server (no load balancer, through the
# director by plain forwarding), IPVS, halb.  The second row is the
# director's share: busy instructions per connection over the direct run.
. "$(dirname "$0")/lib.sh"

S=newconn
SEC="New TCP connections (NAT, connect+request+close)"
CONNS=${BENCH_CONNS:-1000}
build_tools || exit 1
bench_topo_up
bench_header $S
comment $S "$CONNS sequential connections per figure from one client process, one-process server"

# run ADDR: busy guest ns for CONNS connections to ADDR:80
run() {
	nsx c "$BIN/conntool" client "$1" 80 50 >/dev/null
	nsx c bash -c "$BUSY_FNS"'
		b0=$(busy)
		'"$BIN"'/conntool client '"$1"' 80 '"$CONNS"' >&2
		b1=$(busy)
		echo $((b1 - b0))'
}

for r in $(seq 1 "$ROUNDS"); do
	backend none
	direct=$(run $RS2)
	echo "# round $r: direct $((direct / CONNS)) instructions/connection"
	echo $((CONNS * 1000000000 / direct)) >> "$WORK/direct.rate"
	for be in ipvs halb; do
		backend $be || continue
		adm $be -A -t $VIP4:80 -s rr && adm $be -a -t $VIP4:80 -r $RS2:80 -m || continue
		ns=$(run $VIP4)
		echo $((CONNS * 1000000000 / ns)) >> "$WORK/$be.rate"
		echo $(((ns - direct) / CONNS)) >> "$WORK/$be.cost"
		echo "# round $r: $be $((ns / CONNS)) instructions/connection, $((CONNS * 1000000000 / ns)) conns/guest-s"
	done
done
backend none

row $S "$SEC" "NAT connections per guest-second" "conns/s" "$(samples "$WORK/halb.rate")" \
	"IPVS NAT" "$(samples "$WORK/ipvs.rate")" 'ratio>=1.5'
row $S "$SEC" "director cost per connection (over direct)" "instructions/conn" \
	"$(samples "$WORK/halb.cost")" "IPVS NAT" "$(samples "$WORK/ipvs.cost")" '-'
row $S "$SEC" "direct to the server, no load balancer (absolute)" "conns/s" \
	"$(samples "$WORK/direct.rate")" "-" "" "-"
exit 0
