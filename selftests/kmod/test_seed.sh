#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed article, end to end: three nodes run httpd and halbd with the
# article's keepalived.conf (VRRP VI_1 with the VIP, virtual_server VIP:80
# rr/DR/persistence_timeout 50 with TCP_CHECK on the three nodes), and every
# step of the article is checked from a client: the master holds the VIP and
# the backups are DR real servers; rr over the three nodes and persistence;
# the master's halbd stopped (failover, GARP, service continues) and
# restarted (preemption); an httpd stopped (the health check takes it out);
# and the article's gap, httpd dead on the master while halbd lives, closed
# with a vrrp_script.  Nothing may bounce between the directors.
#
#              client c 192.0.2.50                 client rc 198.51.100.2
#              (.51-.99: distinct clients)                  |
#                    |                              router r 198.51.100.1
#                    |                                       192.0.2.1
#   ==================== br0 (in sw): the LAN 192.0.2.0/24 =====================
#            |                         |                         |
#       n1 192.0.2.11             n2 192.0.2.12             n3 192.0.2.13
#       httpd :80 "n1"            httpd :80 "n2"            httpd :80 "n3"
#       halbd MASTER prio 150     halbd BACKUP prio 100     halbd BACKUP prio 50
#
#       VIP 192.0.2.100: on the master's eth0; on the backups' lo (DR)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/seed_lib.sh"

[ -x "$HALBD" ] || { echo "1..0 # SKIP halbd not built"; exit 4; }

SLACK_MS=3000	# TCG on a shared host: process start-up and scheduling

dr_real_server() {	# dr_real_server N: VIP on lo, ARP sysctls set
	vip_on "$1" lo &&
	[ "$(nsx "n$1" sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce)" = $'1\n2' ]
}
master_table() {	# n1's table as the article's ipvsadm -L -n would show it
	adm_list 1 && [[ $ADM_OUT == *"TCP  $VIP:80 rr persistent 50"$'\n'* ]] &&
	[ "$(grep -c "Route  *3 " <<<"$ADM_OUT")" = 3 ]
}
comment() { local l; while IFS= read -r l; do echo "#${1:+ $1} $l"; done; }
all_reals() {	# every node has the three nodes in its table
	local i
	for i in $NODES; do real_in "$i" $NODES || return 1; done
}
# lan_pkts: packets the bridge delivered to the three nodes so far
lan_pkts() {
	local n s=0
	for n in $(ip netns exec "$NS_PREFIX-sw" cat /sys/class/net/n{1,2,3}/statistics/tx_packets); do
		s=$((s + n))
	done
	echo "$s"
}
# seen_by_httpds SRC: how many requests from SRC the three httpds logged
# (busybox httpd -vv: "[::ffff:192.0.2.51]:40038: url:/")
seen_by_httpds() {
	local f l n=0
	for f in "$WORK"/n?.httpd.log; do
		while read -r l; do
			[[ $l == "[::ffff:$1]:"*": url:/"* || $l == "$1:"*": url:/"* ]] && n=$((n + 1))
		done < "$f"
	done
	echo "$n"
}

dump_logs() {
	local i
	for i in $NODES; do
		diag "---- n$i: halbctl -L -n; ip addr"
		svc_line "$i" | comment
		nsx "n$i" ip -o -4 addr | comment
		diag "---- n$i: halbd log (tail)"
		grep -vE '^(exec of|nc: )' "$WORK/n$i.log" | tail -40 | comment
	done
}

[ -n "${HALB_TEST_BIN:-}" ] || echo "KTAP version 1"
load_halb || { fail "load halb.ko"; exit 1; }
dmesg_mark
seed_up
T_START=$(now_ms)
section() { diag "$(( ($(now_ms) - T_START) / 1000 )) s: $*"; }

# --- the article: httpd on every node -------------------------------------------
section "the article: httpd on every node"
for i in $NODES; do httpd_start "$i"; done
check "httpd on n1 n2 n3 answers on each node's own address" \
	busywait 20000 eval '[ "$(nsx c curl -s -m 5 http://192.0.2.11/ http://192.0.2.12/ http://192.0.2.13/)" = n1n2n3 ]'

# --- keepalived.conf -> halbd ---------------------------------------------------
section "keepalived.conf -> halbd"
out=$("$HALBD" -t -f "$WORK/n1.conf" 2>&1)
check "halbd -t: the article's keepalived.conf is valid" \
	eval '[[ $out == *"lvs: 1 virtual_server(s) = 1 kernel service(s), 3 real server(s), 3 checker(s)"* ]]'
echo "$out" | comment 'halbd -t:'
for i in $NODES; do halbd_start "$i"; done

# --- master and backups ---------------------------------------------------------
section "master and backups"
check "n1 is MASTER with the VIP on eth0" busywait 20000 master_is 1
check "n2 and n3 are BACKUP" busywait 10000 eval 'state_is 2 BACKUP && state_is 3 BACKUP'
check "backups are DR real servers: VIP on lo, arp_ignore=1 arp_announce=2" \
	busywait 10000 eval 'dr_real_server 2 && dr_real_server 3'
check "master: VIP not on lo" eval '! vip_on 1 lo'
check "every node has the three real servers (TCP_CHECK up)" \
	busywait 20000 all_reals
check "master's service is active: rr persistent 50, Route, weight 3" master_table
check "backups' services are standby" busywait 5000 eval 'standby 2 && standby 3'
adm_list 1
echo "$ADM_OUT" | comment n1:
for i in 2 3; do diag "n$i: $(svc_line "$i")"; done
diag "VRRP as n1 sees it: $("$HALBCTL" vrrp -s "$WORK/n1.sock" | tail -1)"

# --- balance and persistence ----------------------------------------------------
section "balance and persistence"
base_pkts=$(lan_pkts)
out=$(hits 192.0.2.5{1..6})
echo "$out" | comment
check "6 new clients through the VIP: all answered" all_answered "$out"
check "rr over the three nodes, two clients each ($(answered_by "$out"))" \
	[ "$(answered_by "$out")" = "n1:2 n2:2 n3:2 " ]
FIRST=$out
# each request reached exactly one httpd, once (DR: the master forwards it
# once; a standby backup must take it, never schedule it again)
once=1
for s in 192.0.2.5{1..6}; do
	n=$(seen_by_httpds "$s")
	[ "$n" = 1 ] || { once=0; diag "$s seen $n times by the httpds"; }
done
check "each request reached exactly one node's httpd, once" [ "$once" = 1 ]
[ "$once" = 1 ] || head -5 "$WORK"/n?.httpd.log | comment
out=$(hits 192.0.2.5{1..6} 192.0.2.5{1..6})
same=1
for s in 192.0.2.5{1..6}; do
	[ "$(node_for "$out" "$s")" = "$(node_for "$FIRST" "$s")" ] || { same=0; diag "$s: $(node_for "$FIRST" "$s") then $(node_for "$out" "$s" | tr '\n' ' ')"; }
done
check "persistence_timeout 50: each client stays on its node (12 more requests)" [ "$same" = 1 ]
pkts=$(( $(lan_pkts) - base_pkts ))
check "no packet storm: $pkts packets to the nodes for 18 requests" [ "$pkts" -lt 1500 ]
check "standby backups scheduled nothing (conns, inpkts: n2 $(svc_stats 2), n3 $(svc_stats 3))" \
	eval '[ "$(svc_stats 2)" = "0 0" ] && [ "$(svc_stats 3)" = "0 0" ]'
st=$(svc_stats 1)
check "master scheduled the 18 connections (conns, inpkts: $st)" [ "${st% *}" -ge 18 ]
out=$(hits rc)
check "the routed client is answered through the router ($out)" all_answered "$out"

# --- the master's halbd stops: failover -----------------------------------------
section "the master's halbd stops: failover"
ip netns exec "$NS_PREFIX-c" tcpdump -i eth0 -n -e -l arp > "$WORK/arp.txt" 2> "$WORK/tcpdump.err" &
TCPDUMP=$!
busywait 20000 grep -q "listening on" "$WORK/tcpdump.err" || diag "tcpdump not ready"
MAC2=$(mac_of 2)
t0=$(now_ms)
halbd_stop 1
check "stopping n1's halbd: the VIP leaves n1's eth0" eval '! vip_on 1 eth0'
# n1's httpd still passes every TCP_CHECK, so n1 stays in the new master's
# pool: it must go on accepting the VIP's packets as a DR real server (the
# article's realserver script keeps the VIP on lo whatever keepalived does)
check "n1, halbd stopped, is still a DR real server: VIP on lo, service standby" \
	eval 'dr_real_server 1 && standby 1'
if busywait 20000 master_is 2; then
	t1=$(log_ms 2 "(VI_1) Entering MASTER STATE")
	ok "n2 takes over as MASTER with the VIP on eth0 ($((t1 - t0)) ms after the stop)"
else
	fail "n2 takes over as MASTER with the VIP on eth0"
fi
check "n2's service is active, no longer standby" busywait 5000 eval '! standby 2'
check "n2: VIP no longer on lo" busywait 5000 eval '! vip_on 2 lo'
check "gratuitous ARP for the VIP from n2 ($MAC2) seen on the LAN" \
	busywait 10000 grep -q "$MAC2 > ff:ff:ff:ff:ff:ff.*$VIP" "$WORK/arp.txt"
kill "$TCPDUMP" 2>/dev/null; wait "$TCPDUMP" 2>/dev/null
grep "$VIP" "$WORK/arp.txt" | head -4 | comment
check "n3 stays BACKUP and standby" eval 'state_is 3 BACKUP && standby 3'
out=$(hits 192.0.2.6{1..6})
echo "$out" | comment
check "service continues: 6 new clients answered after the failover ($(answered_by "$out"))" \
	all_answered "$out"
check "the client's ARP entry for the VIP is n2's MAC" \
	eval '[[ "$(nip c neigh show $VIP)" == *"lladdr $MAC2 "* ]]'
out=$(hits rc)
check "the routed client is answered after the failover ($out)" all_answered "$out"

# --- it comes back: preemption --------------------------------------------------
section "it comes back: preemption"
halbd_start 1
t0=$(now_ms)
if busywait 20000 master_is 1; then
	t1=$(log_ms 1 "(VI_1) Entering MASTER STATE")
	ok "restarted n1 takes the VIP back, priority 150 > 100 ($((t1 - t0)) ms)"
else
	fail "restarted n1 takes the VIP back, priority 150 > 100"
fi
check "n2 is BACKUP again: VIP on lo, service standby" \
	busywait 10000 eval 'state_is 2 BACKUP && vip_on 2 lo && standby 2'
check "n1's service is active again" busywait 5000 eval '! standby 1'
out=$(hits 192.0.2.5{1..6})
echo "$out" | comment
check "service after the return: 6 clients answered ($(answered_by "$out"))" all_answered "$out"

# --- an httpd stops: the health check takes it out ------------------------------
section "an httpd stops: the health check takes it out"
# the article stops httpd on the server it was shown; take a client on n3
# (else n2), a backup node, so VRRP stays where it is
src= K=
for K in 3 2; do
	while read -r node s; do [ "$node" = "n$K" ] && src=$s && break; done <<<"$out"
	[ -n "$src" ] && break
done
if [ -z "$src" ]; then
	fail "a client on n3 or n2 to stop the httpd of"
else
	t0=$(now_ms)
	httpd_stop "$K"
	if busywait $((CHECK_BOUND_MS + SLACK_MS)) not_real_in 1 "$K"; then
		t1=$(log_ms 1 "real server $(node_ip "$K"):80 removed")
		check "TCP_CHECK: the master took n$K out $((t1 - t0)) ms after httpd stopped (bound $CHECK_BOUND_MS ms)" \
			[ "$((t1 - t0))" -le "$CHECK_BOUND_MS" ]
	else
		fail "TCP_CHECK: n$K still in the master's table $((CHECK_BOUND_MS + SLACK_MS)) ms after httpd stopped"
	fi
	out=$(hits "$src" "$src" "$src")
	echo "$out" | comment
	check "client $src (was on n$K) is sent elsewhere, and stays there" \
		eval 'all_answered "$out" && [[ "$(node_for "$out" "$src")" =~ ^n[123]$ ]] &&
		      [ "$(node_for "$out" "$src")" != "n$K" ]'
	httpd_start "$K"
	check "httpd back on n$K: the master puts it back" \
		busywait $((CHECK_BOUND_MS + SLACK_MS)) real_in 1 "$K"
fi
check "all three nodes BACKUP/MASTER as before" \
	busywait 10000 eval 'master_is 1 && state_is 2 BACKUP && state_is 3 BACKUP'

# --- the article's gap: httpd dies on the master, halbd lives -------------------
section "the article's gap: httpd dies on the master, halbd lives"
t0=$(now_ms)
httpd_stop 1
if busywait 20000 master_is 2; then
	t1=$(log_ms 2 "(VI_1) Entering MASTER STATE")
	ok "httpd dead on the master: n2 takes the VIP ($((t1 - t0)) ms after the kill)"
else
	fail "httpd dead on the master: n2 takes the VIP"
fi
check "n1 (halbd alive) is FAULT through track_script chk_httpd" state_is 1 FAULT
check "n1 is a DR real server now: VIP on lo, service standby" \
	busywait 5000 eval 'vip_on 1 lo && standby 1'
check "n2's health check takes n1 out of the pool" \
	busywait $((CHECK_BOUND_MS + SLACK_MS)) not_real_in 2 1
out=$(hits 192.0.2.7{1..6})
echo "$out" | comment
check "6 new clients answered by n2 and n3 ($(answered_by "$out"))" \
	eval 'all_answered "$out" && [ "$(answered_by "$out")" = "n2:3 n3:3 " ]'
t0=$(now_ms)
httpd_start 1
if busywait 20000 master_is 1; then
	t1=$(log_ms 1 "(VI_1) Entering MASTER STATE")
	ok "httpd back on n1: n1 is MASTER again ($((t1 - t0)) ms after the restart)"
else
	fail "httpd back on n1: n1 is MASTER again"
fi
check "n2 is BACKUP and standby again" busywait 10000 eval 'state_is 2 BACKUP && standby 2'

check "kernel log clean" dmesg_clean
diag "test time $(( ($(now_ms) - T_START) / 1000 )) s"
[ "$ktap_fail" = 0 ] || dump_logs
for i in $NODES; do halbd_stop "$i"; httpd_stop "$i"; done
[ -n "${HALB_TEST_BIN:-}" ] || echo "1..$ktap_n"
echo "$((ktap_n - ktap_fail)) passed, $ktap_fail failed"
[ "$ktap_fail" = 0 ]
