#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stages "conntab" and "memory", from one build-up of the connection table
# per backend (NAT, UDP, timeouts of an hour so nothing expires meanwhile):
# - conntab: per-packet cost of BENCH_FLOWS established flows (as in the
#   dataplane stage, but absolute: the same path for every point) with the
#   table holding those flows only, then BENCH_SCALE_SIZES (default 10000
#   100000 1000000) live connections in all.  The extra connections are
#   one-packet flows from pktgen, source addresses and ports counted up.
# - memory: slab growth per connection between the base point and
#   BENCH_MEM_AT (default 100000) connections: all of the kernel's slab
#   (/proc/meminfo Slab), and the backend's connection cache alone
#   (ip_vs_conn, halb_conn).
# BENCH_SCALE_BACKENDS (default "ipvs halb") picks the backends.
# Rounds: BENCH_SCALE_ROUNDS (default 1: the 1M build-up is the costliest
# part of make bench).
. "$(dirname "$0")/lib.sh"

SIZES=${BENCH_SCALE_SIZES:-10000 100000 1000000}
MEM_AT=${BENCH_MEM_AT:-100000}
ROUNDS=${BENCH_SCALE_ROUNDS:-1}
SEC_T="Connection-table scale (NAT, per packet, absolute)"
SEC_M="Memory per connection (UDP, NAT)"
build_tools || exit 1
bench_topo_up
for s in conntab memory; do bench_header $s; done
comment conntab "$FLOWS measured flows, $PKTS packets per point; IPVS at its default conn_tab_bits 12, halb at its default 16"
comment memory "slab growth from $FLOWS to $MEM_AT live connections"

gcd() { local a=$1 b=$2 t; while [ "$b" -gt 0 ]; do t=$((a % b)); a=$b; b=$t; done; echo "$a"; }
label() { case $1 in 1000000) echo 1M ;; *000) echo "$(($1 / 1000))k" ;; *) echo "$1" ;; esac; }

# populate K ADD: ADD new one-packet flows from address block K
populate() {
	local k=$1 add=$2 a p base
	a=$(( (add + 44999) / 45000 ))
	p=$(( (add + a - 1) / a ))
	while [ "$(gcd $a $p)" != 1 ]; do p=$((p + 1)); done
	base=$((100 + 20 * k))
	pktgen $VIP4 54 "$add" 198.51.100.$base 198.51.100.$((base + a - 1)) 10000 $((10000 + p)) \
		>/dev/null 2>"$WORK/pop.log"
	sed 's/^/# populate: /' "$WORK/pop.log"
}

for r in $(seq 1 "$ROUNDS"); do
	for be in ${BENCH_SCALE_BACKENDS:-ipvs halb}; do
		backend $be || continue
		case $be in
		ipvs) adm ipvs --set 0 0 3600; cache=ip_vs_conn ;;
		halb) echo 3600 > /sys/module/halb/parameters/udp_timeout; cache=halb_conn ;;
		esac
		adm $be -A -u $VIP4:54 -s rr && adm $be -a -u $VIP4:54 -r $RS1:53 -m || continue
		v=$(per_packet $VIP4 54)
		echo "$v" >> "$WORK/$be.$FLOWS"
		echo "# round $r: $be $FLOWS conns: $v instructions/packet"
		slab0=$(slab_total) cache0=$(slab_bytes $cache)
		total=$FLOWS k=0
		for n in $SIZES; do
			[ "$n" -gt "$total" ] || continue
			populate $k $((n - total))
			k=$((k + 1)) total=$n
			v=$(per_packet $VIP4 54)
			echo "$v" >> "$WORK/$be.$n"
			echo "# round $r: $be $n conns: $v instructions/packet," \
				"slab +$(( ($(slab_total) - slab0) / 1048576 )) MiB"
			if [ "$n" = "$MEM_AT" ]; then
				echo $(( ($(slab_total) - slab0) / (n - FLOWS) )) >> "$WORK/$be.slab"
				echo $(( ($(slab_bytes $cache) - cache0) / (n - FLOWS) )) >> "$WORK/$be.cache"
			fi
		done
		adm $be -L -n --stats | sed 's/^/# /'
	done
done
backend none

for n in $FLOWS $SIZES; do
	[ -s "$WORK/halb.$n" ] || continue
	row conntab "$SEC_T" "NAT @ $(label "$n") conns" "instructions/packet" \
		"$(samples "$WORK/halb.$n")" "IPVS NAT" "$(samples "$WORK/ipvs.$n" 2>/dev/null)" 'flat<=1.10'
done
if [ -s "$WORK/halb.slab" ]; then
	row memory "$SEC_M" "slab growth at $(label "$MEM_AT") conns" "bytes/conn" \
		"$(samples "$WORK/halb.slab")" "IPVS NAT" "$(samples "$WORK/ipvs.slab" 2>/dev/null)" 'ratio<=0.5'
	row memory "$SEC_M" "connection cache at $(label "$MEM_AT") conns" "bytes/conn" \
		"$(samples "$WORK/halb.cache")" "IPVS NAT" "$(samples "$WORK/ipvs.cache" 2>/dev/null)" '-'
fi
exit 0
