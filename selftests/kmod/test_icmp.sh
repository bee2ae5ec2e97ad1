#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP errors about connections, IPVS against halb: a real server's "port
# unreachable" reaches a NAT client as if the virtual service sent it; a
# "fragmentation needed" sent to the virtual address about a reply reaches
# the real server that sent it, translated; a large download through a
# link with a lowered MTU completes.
#
#   client c 198.51.100.2 --[eth0 MTU 1280 on d]-- director d -- br0 -- rs1..3
#
# Topology details: lib.sh.
. "$(dirname "$0")/lib.sh"

BACKENDS=${HALB_BACKENDS:-ipvs halb}
topo_up 3
dmesg_mark

# port_unreach FAMILY ADDR: a connected UDP socket learns that nobody listens
port_unreach() {
	nsx c python3 - "$1" "$2" <<-'EOF'
	import socket, sys
	fam = socket.AF_INET if sys.argv[1] == "4" else socket.AF_INET6
	s = socket.socket(fam, socket.SOCK_DGRAM)
	s.settimeout(3)
	s.connect((sys.argv[2], 5399))
	for _ in range(3):
	    try:
	        s.send(b"x")
	        s.recv(10)
	        print("answered")
	        break
	    except ConnectionRefusedError:
	        print("refused")
	        break
	    except socket.timeout:
	        pass
	else:
	    print("timeout")
	EOF
}

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

rs_pmtu() { nsx "rs$1" ip route get 198.51.100.2 | grep -o 'mtu [0-9]*'; }

run() {
	local be=$1 i got blob_ok
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
	got=$(for i in 1 2 3; do rs_pmtu $i; done | sort -u)
	echo "$got" > "$WORK/result.$be.fragneeded"
	check "$be NAT: fragmentation needed sent to the VIP lowers the real server's path MTU ($got)" \
		[ "$got" = "mtu 1200" ]

	nsx d ip link set eth0 mtu 1280
	nsx c curl -s --max-time 30 -o "$WORK/blob.$be" "http://$VIP4/blob"
	blob_ok=false
	for i in 1 2 3; do cmp -s "$WORK/blob.$be" "$WORK/www$i/blob" && blob_ok=true; done
	check "$be NAT: 300 kB download through a 1280-byte link completes intact" $blob_ok
	nsx d ip link set eth0 mtu 1500
	adm "$be" -C
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
