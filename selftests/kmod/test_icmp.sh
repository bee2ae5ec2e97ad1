#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP errors about connections, IPVS against halb: a real server's "port
# unreachable" reaches a NAT client as if the virtual service sent it; a
# "fragmentation needed" sent to the virtual address about a reply reaches
# the real server that sent it, translated; and path MTU discovery works
# end to end: 2 MB downloads through a link with a lowered MTU (NAT, DR,
# TUN; IPv4 and IPv6), and a 2 MB upload through the tunnel's overhead.
#
#   client c  198.51.100.2 ---- eth0 [director d] eth1 ----+---- [ br0 in sw ] ---- rs1..rs3 192.0.2.1N
#             2001:db8:1::2     (MTU 1280 for NAT's        |                         2001:db8:2::1N
#                                download)                 |                         (VIP on lo, tunl0:
#   client c2 192.0.2.100 ----------------------------------+                          DR and TUN)
#             2001:db8:2::100                               |
#   client c3 203.0.113.66 ---- eth1 [router r] eth0 -------+
#             2001:db8:4::66    MTU 1280   192.0.2.254, 2001:db8:2::254
#
# c3's network is routed via r by the director and the real servers; r
# routes everything else to the director.  A DR or TUN real server answers
# c3 from the VIP through r, whose link to c3 takes only 1280 bytes: r
# tells the VIP, that is the director, which must pass the error on to the
# real server that sent the reply.  Addresses of the rest: lib.sh.
. "$(dirname "$0")/lib.sh"

BACKENDS=${HALB_BACKENDS:-ipvs halb}
C3_4=203.0.113.66 C3_6=2001:db8:4::66
topo_up 3
rs_dr_setup
rs_tun_setup

router_up() {
	local n
	for n in r c3; do ip netns add "$NS_PREFIX-$n"; nsx $n ip link set lo up; done
	ip link add eth0 netns "$NS_PREFIX-r" type veth peer name r netns "$NS_PREFIX-sw"
	nsx sw ip link set r master br0 up
	ip link add eth1 netns "$NS_PREFIX-r" type veth peer name eth0 netns "$NS_PREFIX-c3"
	nsx r ip addr add 192.0.2.254/24 dev eth0
	nsx r ip addr add 2001:db8:2::254/64 dev eth0 nodad
	nsx r ip addr add 203.0.113.65/26 dev eth1
	nsx r ip addr add 2001:db8:4::1/64 dev eth1 nodad
	nsx r ip link set eth0 up
	nsx r ip link set eth1 mtu 1280 up
	nsx r ip route add default via 192.0.2.1
	nsx r ip -6 route add default via 2001:db8:2::1
	nsx r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	nsx c3 ip addr add $C3_4/26 dev eth0
	nsx c3 ip addr add $C3_6/64 dev eth0 nodad
	nsx c3 ip link set eth0 up
	nsx c3 ip route add default via 203.0.113.65
	nsx c3 ip -6 route add default via 2001:db8:4::1
	for n in d rs1 rs2 rs3; do
		nsx $n ip route add 203.0.113.64/26 via 192.0.2.254
		nsx $n ip -6 route add 2001:db8:4::/64 via 2001:db8:2::254
	done
}
router_up
make_bulk
for i in 1 2 3; do cp "$WORK/bulk" "$WORK/www$i/bulk"; done
tcp_echo_servers rs1 rs2 rs3
dmesg_mark

# frag_needed: a UDP flow to the VIP (NAT) is answered by a real server; a
# router's "fragmentation needed, MTU 1200" about that reply is sent to the
# VIP; the real server must then know the smaller path MTU to the client
frag_needed() {
	nsx c "$BIN/udptool" flow $VIP4 53 1 40500 >/dev/null
	nsx c python3 - "$VIP4" <<-'EOF'
	import sys
	from scapy.all import IP, ICMP, UDP, send, conf
	conf.verb = 0
	vip = sys.argv[1]
	quoted = IP(src=vip, dst="198.51.100.2", flags="DF", len=1400) / UDP(sport=53, dport=40500, len=1380)
	send(IP(src="198.51.100.254", dst=vip) / ICMP(type=3, code=4, nexthopmtu=1200) / bytes(quoted)[:28])
	EOF
}

rs_pmtu() { nsx "rs$1" ip route get "${2:-198.51.100.2}" | grep -o 'mtu [0-9]*'; }
# rs_pmtus: the path MTUs to the client the real servers know, one per line
rs_pmtus() { local i; for i in 1 2 3; do rs_pmtu $i; done | sort -u; }
rs_pmtus_are() { [ "$(rs_pmtus)" = "$1" ]; }

vip() { if [ "$1" = 4 ]; then echo "$VIP4"; else echo "[$VIP6]"; fi; }
vip_bare() { if [ "$1" = 4 ]; then echo "$VIP4"; else echo "$VIP6"; fi; }
rs() { if [ "$1" = 4 ]; then rs_ip4 "$2"; else echo "[$(rs_ip6 "$2")]"; fi; }

# forget every path MTU learnt: real servers, clients, director
pmtu_flush() {
	local n
	for n in rs1 rs2 rs3 c c2 c3 d; do
		nsx $n ip route flush cache
		nsx $n ip -6 route flush cache >/dev/null 2>&1
	done
}

# fresh_service BACKEND FAM PROTO-FLAG PORT FWD-FLAG: one service, 3 servers
fresh_service() {
	local be=$1 fam=$2 pf=$3 port=$4 flag=$5 i
	adm "$be" -C
	adm "$be" -A "$pf" "$(vip "$fam"):$port" -s rr || return 1
	for i in 1 2 3; do
		adm "$be" -a "$pf" "$(vip "$fam"):$port" -r "$(rs "$fam" "$i"):$port" "$flag" || return 1
	done
}

# learnt NS... ADDR WANT: some namespace's route to ADDR carries mtu WANT
learnt() {
	local want=$1 addr=$2 n
	shift 2
	for n in "$@"; do
		nsx "$n" ip route get "$addr" | grep -q "mtu $want\b" && return 0
	done
	return 1
}

# download NS FAM: fetch /bulk through the VIP; true if identical
download() {
	rm -f "$WORK/dl"
	nsx "$1" curl -s -g --max-time 90 -o "$WORK/dl" "http://$(vip "$2")/bulk"
	cmp -s "$WORK/dl" "$WORK/bulk"
}

# Path MTU discovery end to end, 2 MB each way it is needed.
pmtu() {
	local be=$1 fam mode flag c c3 ok mtu kb=$((BULK_SIZE / 1000))
	for fam in 4 6; do
		# NAT: d's link to c takes 1280; d (forwarding the reply) tells
		# the real server
		fresh_service "$be" $fam -t 80 -m || { fail "$be: NAT ipv$fam service"; continue; }
		pmtu_flush
		nsx d ip link set eth0 mtu 1280
		ok=false; download c $fam && ok=true
		nsx d ip link set eth0 mtu 1500
		echo $ok > "$WORK/result.$be.pmtu-nat$fam"
		check "$be NAT ipv$fam: $kb kB download through a 1280-byte link completes intact" $ok
		c=$([ $fam = 4 ] && echo 198.51.100.2 || echo 2001:db8:1::2)
		check "$be NAT ipv$fam: the real server learnt path MTU 1280 to the client" \
			learnt 1280 "$c" rs1 rs2 rs3

		# DR and TUN: r's link to c3 takes 1280; r tells the VIP, the
		# director passes it on to the real server
		c3=$([ $fam = 4 ] && echo $C3_4 || echo $C3_6)
		for mode in dr tun; do
			flag=$([ $mode = dr ] && echo -g || echo -i)
			fresh_service "$be" $fam -t 80 $flag || { fail "$be: $mode ipv$fam service"; continue; }
			pmtu_flush
			ok=false; download c3 $fam && ok=true
			echo $ok > "$WORK/result.$be.pmtu-$mode$fam"
			check "$be ${mode^^} ipv$fam: $kb kB download through r's 1280-byte link completes intact" $ok
			learnt 1280 "$c3" rs1 rs2 rs3; ok=$?
			echo $ok > "$WORK/result.$be.pmtu-learnt-$mode$fam"
			check "$be ${mode^^} ipv$fam: r's error reached the real server (path MTU 1280 to c3)" \
				[ $ok = 0 ]
		done

		# TUN upload: the tunnel costs 20 (40) bytes, the director says
		# so to c2, whose full-sized packets then fit
		fresh_service "$be" $fam -t 9000 -i || { fail "$be: TUN ipv$fam echo service"; continue; }
		pmtu_flush
		ok=false; tcp_echo c2 "$(vip_bare $fam)" && ok=true
		echo $ok > "$WORK/result.$be.pmtu-tunup$fam"
		check "$be TUN ipv$fam: $kb kB upload (echoed back) through the tunnel completes intact" $ok
		mtu=$([ $fam = 4 ] && echo 1480 || echo 1460)
		check "$be TUN ipv$fam: the client learnt the tunnel's path MTU $mtu" \
			learnt $mtu "$(vip_bare $fam)" c2
	done
	adm "$be" -C
}

run() {
	local be=$1 i got
	adm "$be" -C
	adm "$be" -A -u "$VIP4:5399" -s rr && adm "$be" -A -u "[$VIP6]:5399" -s rr &&
	adm "$be" -A -u "$VIP4:53" -s rr &&
	adm "$be" -A -t "$VIP4:80" -s rr || { fail "$be: add services"; return; }
	for i in 1 2 3; do
		adm "$be" -a -u "$VIP4:5399" -r "$(rs_ip4 "$i"):5399" -m &&
		adm "$be" -a -u "[$VIP6]:5399" -r "[$(rs_ip6 "$i")]:5399" -m &&
		adm "$be" -a -u "$VIP4:53" -r "$(rs_ip4 "$i"):53" -m &&
		adm "$be" -a -t "$VIP4:80" -r "$(rs_ip4 "$i"):80" -m || { fail "$be: add servers"; return; }
	done
	for fam in 4 6; do
		got=$(port_unreach $fam "$([ $fam = 4 ] && echo $VIP4 || echo $VIP6)")
		if [ "$be$fam" = ipvs6 ]; then
			# IPVS leaves this ICMPv6 error untranslated: the socket
			# never hears of it
			diag "ipvs NAT ipv6: port unreachable: $got"
			continue
		fi
		echo "$got" > "$WORK/result.$be.unreach$fam"
		check "$be NAT ipv$fam: a real server's port unreachable reaches the client as the VIP's ($got)" \
			[ "$got" = refused ]
	done

	for i in 1 2 3; do nsx "rs$i" ip route flush cache; done
	frag_needed
	# the error crosses the director and a bridge after send() returns
	busywait 10000 rs_pmtus_are "mtu 1200"
	got=$(rs_pmtus)
	echo "$got" > "$WORK/result.$be.fragneeded"
	check "$be NAT: fragmentation needed sent to the VIP lowers the real server's path MTU ($got)" \
		[ "$got" = "mtu 1200" ]

	adm "$be" -C
	pmtu "$be"
}

for be in $BACKENDS; do
	case $be in
	ipvs) load_ipvs || { fail "load ip_vs"; continue; } ;;
	halb) load_halb || { fail "load halb.ko"; continue; } ;;
	esac
	run "$be"
done

if [ "$BACKENDS" = "ipvs halb" ]; then
	for f in "$WORK"/result.ipvs.*; do
		key=${f#"$WORK"/result.ipvs.}
		check "IPVS and halb agree on $key ($(cat "$f") vs $(cat "$WORK/result.halb.$key" 2>/dev/null))" \
			cmp -s "$f" "$WORK/result.halb.$key"
	done
fi
check "kernel log clean after ICMP tests" dmesg_clean
[ "$ktap_fail" = 0 ]
