#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the guest-side benchmark stages (run inside
# selftests/vm/run --icount, one vCPU, so a guest nanosecond is one
# instruction).  Builds on the selftests' lib.sh (nsx, adm, load_halb).
#
#   client c                 director d
#   eth0 198.51.100.2 ------ eth0 198.51.100.1
#   pktgen / conntool        lo   VIP 203.0.113.1
#                            eth1 192.0.2.1/25   ------ r1 eth0 192.0.2.11/25
#                                                       drops everything at
#                                                       tc ingress (sink)
#                            eth2 192.0.2.129/25 ------ r2 eth0 192.0.2.130/25
#                                                       conntool server :80
#
# Rows leave the guest on stdout as "@tsv STAGE<TAB>section<TAB>label<TAB>
# unit<TAB>halb samples<TAB>ref name<TAB>ref samples<TAB>goal"; the host
# (selftests/bench/run) files them into $BENCH_OUT/STAGE.tsv.
. "$(dirname "${BASH_SOURCE[0]}")/../../kmod/lib.sh"

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-3}
IPVS_MODS="ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf
	   ip_vs_twos ip_vs_sh ip_vs_dh ip_vs_mh ip_vs_lblc ip_vs_lblcr"
RS1=192.0.2.11 RS2=192.0.2.130 LADDR=192.0.2.1

# row STAGE SECTION LABEL UNIT HALB_SAMPLES REF_NAME REF_SAMPLES GOAL
row() {
	local stage=$1; shift
	printf '@tsv %s' "$stage"
	printf '\t%s' "$@"
	printf '\n'
}
# comment STAGE TEXT: a "#" line of STAGE's tsv file
comment() { printf '@tsv %s\t# %s\n' "$1" "$2"; }

build_tools() {
	[ -x "$BIN/conntool" ] && [ -x "$BIN/schedtool" ] && return 0
	BIN=$(mktemp -d /tmp/halb-bin.XXXXXX)
	gcc -O2 -Wall -Wextra -Werror -o "$BIN/conntool" "$BENCH_DIR/conntool.c" &&
	gcc -O2 -Wall -Wextra -Werror -I"$TOP/include" -o "$BIN/schedtool" \
		"$TOP/selftests/kmod/schedtool.c"
}

bench_topo_up() {
	local mac
	modprobe -a veth sch_ingress cls_matchall act_gact >/dev/null 2>&1
	for n in c d r1 r2; do ip netns add "$NS_PREFIX-$n"; nsx "$n" ip link set lo up; done
	ip link add eth0 netns "$NS_PREFIX-c" type veth peer name eth0 netns "$NS_PREFIX-d"
	ip link add eth1 netns "$NS_PREFIX-d" type veth peer name eth0 netns "$NS_PREFIX-r1"
	ip link add eth2 netns "$NS_PREFIX-d" type veth peer name eth0 netns "$NS_PREFIX-r2"
	nsx c ip addr add 198.51.100.2/24 dev eth0
	nsx c ip link set eth0 up
	nsx c ip route add default via 198.51.100.1
	nsx d ip addr add 198.51.100.1/24 dev eth0
	nsx d ip addr add 192.0.2.1/25 dev eth1
	nsx d ip addr add 192.0.2.129/25 dev eth2
	nsx d ip addr add $VIP4/32 dev lo
	for l in eth0 eth1 eth2; do nsx d ip link set $l up; done
	nsx d sysctl -qw net.ipv4.ip_forward=1
	nsx r1 ip addr add $RS1/25 dev eth0
	nsx r1 ip link set eth0 up
	nsx r1 ip route add default via 192.0.2.1
	nsx r2 ip addr add $RS2/25 dev eth0
	nsx r2 ip link set eth0 up
	nsx r2 ip route add default via 192.0.2.129
	# r1 is a sink: every packet dies at its tc ingress; the director
	# knows its MAC without asking (ARP would die there too)
	mac=$(nsx r1 cat /sys/class/net/eth0/address)
	nsx d ip neigh replace $RS1 lladdr "$mac" dev eth1 nud permanent
	nsx r1 tc qdisc add dev eth0 ingress
	nsx r1 tc filter add dev eth0 ingress matchall action drop
	nsx r2 "$BIN/conntool" server 80 &
	disown
	DMAC=$(nsx d cat /sys/class/net/eth0/address)
	modprobe pktgen
}

# backend ipvs|halb|none: exactly that load balancer loaded (a fresh
# connection table), the other unloaded; "none" for plain forwarding
backend() {
	adm halb -C >/dev/null 2>&1
	unload_halb
	ip netns exec "$NS_PREFIX-d" ipvsadm -C >/dev/null 2>&1
	# shellcheck disable=SC2086
	modprobe -r $IPVS_MODS ip_vs >/dev/null 2>&1
	case $1 in
	ipvs) modprobe -a ip_vs ip_vs_rr ;;
	halb) load_halb ;;
	esac
}

# Busy time, never elapsed time: with sleep=off idle time still jumps the
# icount clock.  BUSY_FNS defines, for the measuring shells in the client
# namespace:
#   busy      run time of every task on the (one) CPU, ns, from /proc/schedstat
#             (rq_cpu_time: the idle task is not counted; softirq and irq work
#             count with the task they interrupted, as IRQ_TIME_ACCOUNTING is
#             off in Debian's kernel).  Nanosecond resolution, where
#   busy_stat user+nice+system+irq+softirq of /proc/stat, ns, is tick-based
#             (10 ms = 10M instructions): printed as a cross-check only.
BUSY_FNS='
busy() { awk "\$1 == \"cpu0\" { print \$8 }" /proc/schedstat; }
busy_stat() { awk "/^cpu / { printf \"%.0f\\n\", (\$2 + \$3 + \$4 + \$7 + \$8) * 10000000 }" /proc/stat; }
'
eval "$BUSY_FNS"
[ "$(getconf CLK_TCK)" = 100 ] || echo "# warning: USER_HZ is not 100, busy_stat is off" >&2

# pktgen DST DPORT COUNT SRC_MIN SRC_MAX SPORT_MIN SPORT_MAX
# COUNT 64-byte UDP packets from the client, source addresses and ports
# counted up (ports in [SPORT_MIN, SPORT_MAX)), one flow after the other.
# Prints the busy guest nanoseconds they took (client send, veth, director,
# sink) and pktgen's own result line on stderr.
pktgen() {
	local dst=$1 dport=$2 count=$3 smin=$4 smax=$5 pmin=$6 pmax=$7
	nsx c bash -c "$BUSY_FNS"'
		pg() { echo "$1" > "/proc/net/pktgen/$2" || echo "pktgen: $1 failed" >&2; }
		pg rem_device_all kpktgend_0
		pg "add_device eth0" kpktgend_0
		for c in "count '"$count"'" "pkt_size 64" "delay 0" "clone_skb 0" "burst 1" \
			 "dst '"$dst"'" "dst_mac '"$DMAC"'" "src_min '"$smin"'" "src_max '"$smax"'" \
			 "udp_src_min '"$pmin"'" "udp_src_max '"$pmax"'" \
			 "udp_dst_min '"$dport"'" "udp_dst_max '"$dport"'"; do
			pg "$c" eth0
		done
		s0=$(busy_stat) b0=$(busy)
		pg start pgctrl
		b1=$(busy) s1=$(busy_stat)
		echo $((b1 - b0))
		echo "stat $((s1 - s0))" >&2
		grep -m1 "Result:" /proc/net/pktgen/eth0 >&2
	'
}

FLOWS=${BENCH_FLOWS:-1000}
PKTS=${BENCH_PKTS:-50000}

# per_packet DST DPORT: warm FLOWS flows (a connection each), then PKTS
# packets over them; prints busy guest ns (instructions) per packet
per_packet() {
	local dst=$1 dport=$2 ns
	pktgen "$dst" "$dport" "$FLOWS" 198.51.100.2 198.51.100.2 10000 $((10000 + FLOWS)) \
		>/dev/null 2>&1
	ns=$(pktgen "$dst" "$dport" "$PKTS" 198.51.100.2 198.51.100.2 10000 \
		$((10000 + FLOWS)) 2>"$WORK/pktgen.log")
	# cross-check: pktgen's own elapsed time (the CPU never idles while
	# it sends, so it should agree with the busy time within a tick)
	awk -v p="$PKTS" -v b="$ns" '
		/^stat / { st = $2 }
		/Result: OK:/ { sub(/.*Result: OK: /, ""); el = $0 + 0 }
		END { printf "#   busy %d, /proc/stat %d, pktgen elapsed %d instructions/packet\n",
			b / p, st / p, el * 1000 / p }' "$WORK/pktgen.log" >&2
	echo $((ns / PKTS))
}

# samples FILE: the values in FILE, space-separated, one per round
samples() { tr '\n' ' ' < "$1" | sed 's/ $//'; }

# slab_bytes CACHE: bytes in the slab cache CACHE (objects x object size)
slab_bytes() { awk -v c="$1" '$1 == c { print $3 * $4; f = 1 } END { if (!f) print 0 }' /proc/slabinfo; }
# slab_total: Slab of /proc/meminfo, bytes
slab_total() { awk '/^Slab:/ { print $2 * 1024 }' /proc/meminfo; }

bench_header() {
	comment "$1" "kernel: $(uname -r)"
	comment "$1" "guest cpus: $(nproc)"
}
