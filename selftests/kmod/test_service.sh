#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a service does besides spreading connections, run with the same
# ipvsadm command lines against IPVS (where IPVS has the feature) and halb:
# persistence (timeout, netmask, templates), firewall-mark services,
# one-packet UDP scheduling, thresholds, weight 0, the fate of a removed
# real server's connections, standby directors, and estimated rates.
#
#   client c 198.51.100.2 (+ .3)  --  director d  --  br0  --  rs1 rs2 rs3
#                                     VIP on lo         \--  client c2 (DR)
#
# Topology details: lib.sh.  Results that IPVS also produces are recorded
# and compared at the end.
. "$(dirname "$0")/lib.sh"

BACKENDS=${HALB_BACKENDS:-ipvs halb}
topo_up 3
rs_dr_setup
nsx c ip addr add 198.51.100.3/24 dev eth0
dmesg_mark

dist() { local l; l=$(cat); echo "$(count_of rs1 <<<"$l") $(count_of rs2 <<<"$l") $(count_of rs3 <<<"$l")"; }
record() { echo "$3" > "$WORK/result.$1.$2"; }
rs_num() { sed -n 's/^rs\([0-9]\)$/\1/p' | head -n1; }
add_servers() {	# add_servers BACKEND SERVICE-OPTION PORT FWD-FLAG [more flags]
	local be=$1 svc=$2 port=$3 i
	shift 3
	for i in 1 2 3; do
		adm "$be" -a $svc -r "$(rs_ip4 "$i")${port:+:$port}" "$@" || return 1
	done
}
# conns BACKEND: connection entries listed (IPVS and halb print alike)
conns() { adm "$1" -L -n -c | tail -n +3; }

persistence() {
	local be=$1 got first other
	adm "$be" -C
	adm "$be" -A -t $VIP4:80 -s rr -p 60 && add_servers "$be" "-t $VIP4:80" 80 -m ||
		{ fail "$be: add a persistent service"; return; }
	got=$(http_hits "http://$VIP4/" 6 | dist)
	record "$be" persist-one-client "$got"
	check "$be persistence: 6 connections of one client all on one server (got $got)" \
		grep -qE '^(6 0 0|0 6 0|0 0 6)$' <<<"$got"
	# a template that decided an established connection reads ASSURED
	if grep -qE '198.51.100.2:0 .*(NONE|ASSURED)|(NONE|ASSURED) +198.51.100.2:0 ' <<<"$(conns "$be")"; then
		ok "$be persistence: the template is listed (client port 0, NONE or ASSURED)"
	else
		fail "$be persistence: the template is listed (client port 0, NONE or ASSURED)"
		conns "$be" | sed 's/^/# /'
	fi
	first=$(http_hits "http://$VIP4/" 1)
	other=$(nsx c curl -s --max-time 5 --interface 198.51.100.3 "http://$VIP4/")
	record "$be" persist-two-clients "$first $other"
	check "$be persistence /32: a second client address is scheduled on its own ($first, $other)" \
		[ -n "$other" ] && [ "$first" != "$other" ]

	adm "$be" -C
	adm "$be" -A -t $VIP4:80 -s rr -p 60 -M 255.255.255.0 &&
		add_servers "$be" "-t $VIP4:80" 80 -m || { fail "$be: add a /24 persistent service"; return; }
	first=$(http_hits "http://$VIP4/" 1)
	other=$(nsx c curl -s --max-time 5 --interface 198.51.100.3 "http://$VIP4/")
	record "$be" persist-netmask "$first $other"
	check "$be persistence /24: both client addresses share one server ($first, $other)" \
		[ -n "$first" ] && [ "$first" = "$other" ]
	adm "$be" -C
}

# halb only: its UDP timeout is a module parameter, so the template's end
# can be watched in a few seconds
persistence_timeout() {
	local first next
	echo 1 > /sys/module/halb/parameters/udp_timeout
	adm halb -A -u $VIP4:5353 -s rr -p 1 && add_servers halb "-u $VIP4:5353" 53 -m ||
		{ fail "halb: add a persistent UDP service"; return; }
	first=$(nsx c "$BIN/udptool" client $VIP4 5353 3 | sort -u)
	check "halb persistence UDP: three flows of one client on one server ($first)" \
		[ "$(wc -l <<<"$first")" = 1 ]
	check "halb persistence UDP: connections and template expire after the timeout" \
		busywait 8000 eval '! conns halb | grep -q ":5353 "'
	next=$(nsx c "$BIN/udptool" client $VIP4 5353 1)
	check "halb persistence UDP: after the timeout the client is scheduled afresh ($first -> $next)" \
		[ -n "$next" ] && [ "$next" != "$first" ]
	echo 300 > /sys/module/halb/parameters/udp_timeout
	adm halb -C
}

fwmark() {
	local be=$1 got
	nsx d nft -f - <<-EOF || { fail "$be fwmark: nft rules"; return; }
	table inet halbtest {
		chain pre {
			type filter hook prerouting priority mangle;
			ip daddr $VIP4 tcp dport 80 meta mark set 7
			ip daddr $VIP4 udp dport 53 meta mark set 7
		}
	}
	EOF
	adm "$be" -C
	adm "$be" -A -f 7 -s rr && add_servers "$be" "-f 7" "" -m ||
		{ fail "$be: add a firewall-mark service"; nsx d nft delete table inet halbtest; return; }
	check "$be fwmark: listed as FWM 7" grep -q '^FWM  7 rr' <<<"$(adm "$be" -L -n)"
	got=$(http_hits "http://$VIP4/" 6 | dist)
	record "$be" fwmark-tcp "$got"
	check "$be fwmark: 6 TCP connections by mark, 2/2/2 (got $got)" [ "$got" = "2 2 2" ]
	got=$(nsx c "$BIN/udptool" client $VIP4 53 3 | dist)
	record "$be" fwmark-udp "$got"
	check "$be fwmark: UDP of the same mark, same service, 1/1/1 (got $got)" [ "$got" = "1 1 1" ]
	adm "$be" -C
	nsx d nft delete table inet halbtest
}

one_packet() {
	local be=$1 got
	adm "$be" -C
	adm "$be" -A -u $VIP4:53 -s rr -o && add_servers "$be" "-u $VIP4:53" 53 -g ||
		{ fail "$be: add a one-packet service"; return; }
	check "$be ops: listed with ops" grep -q "UDP  $VIP4:53 rr ops" <<<"$(adm "$be" -L -n)"
	got=$(nsx c2 "$BIN/udptool" flow $VIP4 53 6 | dist)
	record "$be" ops "$got"
	check "$be ops: 6 datagrams of one flow spread 2/2/2 (got $got)" [ "$got" = "2 2 2" ]
	[ "$be" = halb ] && check "halb ops: no connection entry is kept" \
		[ -z "$(conns halb | grep -F "192.0.2.100:")" ]
	adm "$be" -E -u $VIP4:53 -s rr
	got=$(nsx c2 "$BIN/udptool" flow $VIP4 53 6 | dist)
	record "$be" no-ops "$got"
	check "$be ops off: 6 datagrams of one flow stay on one server (got $got)" \
		grep -qE '^(6 0 0|0 6 0|0 0 6)$' <<<"$got"
	adm "$be" -C
}

thresholds() {
	local be=$1 got line
	adm "$be" -C
	adm "$be" -A -u $VIP4:53 -s rr &&
	adm "$be" -a -u $VIP4:53 -r "$(rs_ip4 1):53" -m -x 2 -y 1 &&
	adm "$be" -a -u $VIP4:53 -r "$(rs_ip4 2):53" -m &&
	adm "$be" -a -u $VIP4:53 -r "$(rs_ip4 3):53" -m || { fail "$be: add thresholds"; return; }
	got=$(nsx c "$BIN/udptool" client $VIP4 53 9 | dist)
	record "$be" thresholds "$got"
	check "$be thresholds: rs1 (-x 2) takes at most 2 of 9 flows (got $got)" \
		[ "${got%% *}" -le 2 ] && [ "$(( ${got// /+} ))" = 9 ]
	line=$(adm "$be" -L -n --thresholds | grep -F "$(rs_ip4 1):53")
	check "$be thresholds: listing shows 2 and 1 ($(echo $line))" \
		grep -qE ' 2 +1 ' <<<"$line"
	adm "$be" -C
}

weight_zero() {
	local be=$1 got srv n
	adm "$be" -C
	adm "$be" -A -u $VIP4:53 -s rr && add_servers "$be" "-u $VIP4:53" 53 -m ||
		{ fail "$be: add a service"; return; }
	srv=$(nsx c "$BIN/udptool" flow $VIP4 53 1 40100)
	n=$(rs_num <<<"$srv")
	[ -n "$n" ] || { fail "$be weight 0: first flow answered ($srv)"; return; }
	adm "$be" -e -u $VIP4:53 -r "$(rs_ip4 "$n"):53" -m -w 0
	got=$(nsx c "$BIN/udptool" flow $VIP4 53 3 40100 | sort -u)
	check "$be weight 0: the established flow stays on $srv (got $got)" [ "$got" = "$srv" ]
	got=$(nsx c "$BIN/udptool" client $VIP4 53 6)
	check "$be weight 0: no new flow goes to $srv" [ "$(count_of "$srv" <<<"$got")" = 0 ]
	record "$be" weight0 "$(dist <<<"$got")"
	adm "$be" -C
}

# removed_server BACKEND POLICY SPORT: where does an established UDP flow
# go once its real server is deleted?
removed_server() {
	local be=$1 policy=$2 sport=$3 srv n got
	adm "$be" -C
	if [ "$be" = halb ]; then
		adm halb -A -u $VIP4:53 -s rr --nodest-policy "$policy"
	else
		nsx d sysctl -qw net.ipv4.vs.expire_nodest_conn=$([ "$policy" = expire ] && echo 1 || echo 0)
		adm ipvs -A -u $VIP4:53 -s rr
	fi
	add_servers "$be" "-u $VIP4:53" 53 -m || { fail "$be: add a service"; return; }
	srv=$(nsx c "$BIN/udptool" flow $VIP4 53 1 "$sport")
	n=$(rs_num <<<"$srv")
	[ -n "$n" ] || { fail "$be $policy: first datagram answered ($srv)"; return; }
	adm "$be" -d -u $VIP4:53 -r "$(rs_ip4 "$n"):53"
	got=$(nsx c "$BIN/udptool" flow $VIP4 53 1 "$sport")
	record "$be" "nodest-$policy" "$([ "$got" = "$srv" ] && echo same || echo moved)"
	case $policy in
	keep) check "$be removed server, keep: the flow still reaches $srv (got $got)" \
		[ "$got" = "$srv" ] ;;
	*) check "$be removed server, $policy: the flow moves to a live server ($srv -> $got)" \
		grep -qx 'rs[123]' <<<"$got" && [ "$got" != "$srv" ] ;;
	esac
	adm "$be" -C
}

# halb: a TCP connection of a removed server is reset under "reset"
removed_server_reset() {
	local out
	adm halb -C
	adm halb -A -t $VIP4:80 -s rr --nodest-policy reset && add_servers halb "-t $VIP4:80" 80 -m ||
		{ fail "halb: add a reset-policy service"; return; }
	out=$(nsx c python3 - "$VIP4" "$HALBCTL" "$NS_PREFIX-d" <<-'EOF'
	import socket, subprocess, sys
	vip, halbctl, ns = sys.argv[1:4]
	s = socket.create_connection((vip, 80), timeout=5)
	s.sendall(b"GET / HTTP/1.1\r\n")
	# which real server holds the connection
	lines = subprocess.run(["ip", "netns", "exec", ns, halbctl, "-L", "-n", "-c"],
			       capture_output=True, text=True).stdout.split("\n")
	dest = [l.split()[-1] for l in lines if "ESTABLISHED" in l][0]
	subprocess.run(["ip", "netns", "exec", ns, halbctl, "-d", "-t", vip + ":80", "-r", dest],
		       check=True)
	try:
	    s.sendall(b"Host: x\r\n\r\n")
	    data = s.recv(100)
	    print("no reset, got %r" % data[:20])
	except ConnectionResetError:
	    print("reset")
	EOF
	)
	check "halb removed server, reset: the client's connection is reset ($out)" [ "$out" = reset ]
	adm halb -C
}

# halb: a standby director hands packets for the service to its own stack
standby() {
	local got
	adm halb -C
	nsx d busybox httpd -p "$VIP4:80" -h "$WORK/director"
	adm halb -A -t $VIP4:80 -s rr --standby && add_servers halb "-t $VIP4:80" 80 -m ||
		{ fail "halb: add a standby service"; return; }
	check "halb standby: listed as standby" grep -q "standby" <<<"$(adm halb -L -n)"
	got=$(http_hits "http://$VIP4/" 2 | sort -u)
	check "halb standby: requests are answered by the director itself (got $got)" \
		[ "$got" = director ]
	adm halb -E -t $VIP4:80 -s rr --no-standby
	got=$(http_hits "http://$VIP4/" 3 | dist)
	check "halb active again: requests are balanced (got $got)" [ "$got" = "1 1 1" ]
	adm halb -C
	pkill -f "busybox httpd -p $VIP4:80"
}

rates() {
	local cps
	adm halb -C
	adm halb -A -u $VIP4:53 -s rr && add_servers halb "-u $VIP4:53" 53 -m ||
		{ fail "halb: add a service"; return; }
	nsx c "$BIN/udptool" client $VIP4 53 60 >/dev/null
	rate_cps() { adm halb -L -n --rate | awk -v s="$VIP4:53" '$1 == "UDP" && $2 == s {print $3}'; }
	check "halb rates: connections per second estimated within 6 s" \
		busywait 6000 eval '[ "$(rate_cps)" -gt 0 ] 2>/dev/null'
	diag "$(adm halb -L -n --rate | head -5)"
	adm halb -C
}

mkdir -p "$WORK/director" && echo director > "$WORK/director/index.html"
for be in $BACKENDS; do
	case $be in
	ipvs) load_ipvs || { fail "load ip_vs"; continue; } ;;
	halb) load_halb || { fail "load halb.ko"; continue; } ;;
	esac
	persistence "$be"
	fwmark "$be"
	one_packet "$be"
	thresholds "$be"
	weight_zero "$be"
	removed_server "$be" expire 40202
	if [ "$be" = halb ]; then
		# IPVS has no "keep": without expire_nodest_conn it drops the
		# packets of a removed server's connections until they time out
		removed_server halb keep 40201
		removed_server halb reschedule 40203
		removed_server_reset
		persistence_timeout
		standby
		rates
	fi
done

if [ "$BACKENDS" = "ipvs halb" ]; then
	for f in "$WORK"/result.ipvs.*; do
		key=${f#"$WORK"/result.ipvs.}
		check "IPVS and halb agree on $key ($(cat "$f") vs $(cat "$WORK/result.halb.$key" 2>/dev/null))" \
			cmp -s "$f" "$WORK/result.halb.$key"
	done
fi
check "kernel log clean after service tests" dmesg_clean
[ "$ktap_fail" = 0 ]
