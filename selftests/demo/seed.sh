#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo behind "make demo": the seed article's cluster, live.  Three
# nodes run httpd and halbd with the article's keepalived.conf, and each
# step of the article is shown as a user would look at it (ip addr,
# halbctl -L -n, halbctl vrrp, curl), in the article's order:
#
#   build the nodes, httpd on each, halbd on each, master and backups,
#   balance, persistence, stop the master (failover), start it (return),
#   stop an httpd (health check), httpd dead on the master (the gap).
#
# Every step says what should happen and checks that it did: the demo exits
# non-zero if one did not.  Then, unless HALB_DEMO_PARTS=seed, the shorter
# halbctl walk-through (cluster.sh: NAT, wrr, JSON, IPv6, rmmod).  Runs in
# the guest as root (selftests/demo/run boots it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../kmod/lib.sh"
. "$here/../kmod/seed_lib.sh"

PAUSE=${HALB_DEMO_PAUSE:-0}
ok_n=0 bad_n=0 T0=$(now_ms)
bold() { printf '\033[1m%s\033[0m\n' "$*"; }
step() { [ "$PAUSE" = 0 ] || read -r -t "$PAUSE" -u "$TICK_FD"; printf '\n'; bold "== $* "; }
tell() { printf '   %s\n' "$@"; }
# on NODE CMD...: show the command at NODE's prompt, run it there
on() {
	local n=$1 cmd=("${@:2}")
	printf '\033[2m[%s]#\033[0m %s\n' "$n" "${*:2}"
	case ${cmd[0]} in
	halbctl) cmd[0]=$HALBCTL ;;
	halbd) cmd[0]=$HALBD ;;
	esac
	ip netns exec "$NS_PREFIX-$n" "${cmd[@]}"
}
# expect WHAT CMD...: the step did what was narrated, or say that it did not
expect() {
	local what=$1
	shift
	if "$@"; then
		ok_n=$((ok_n + 1))
		printf '   \033[32m✔ %s\033[0m\n' "$what"
	else
		bad_n=$((bad_n + 1))
		printf '   \033[31m✘ %s: NOT AS NARRATED\033[0m\n' "$what"
	fi
}
# ask SRC...: show the curl, one request from each client address
ask() {
	local s
	printf '\033[2m[c]#\033[0m for ip in %s; do curl --interface $ip http://%s/; done\n' "$*" "$VIP"
	hits "$@" > /dev/null
	while read -r node s; do
		[ "$node" = - ] && node="(no answer)"
		printf '   %-12s -> %s\n' "$s" "$node"
	done <<<"$HITS"
}
all_reals() { local i; for i in $NODES; do real_in "$i" $NODES || return 1; done; }
dr_real_server() {
	vip_on "$1" lo &&
	[ "$(nsx "n$1" sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce)" = $'1\n2' ]
}
vrrp_all() {	# halbctl vrrp on each node, one table
	local i out hdr= rows=
	printf '\033[2m[n1..n3]#\033[0m halbctl vrrp\n'
	for i in $NODES; do
		if out=$("$HALBCTL" vrrp -s "$WORK/n$i.sock" 2>/dev/null); then
			hdr=${out%%$'\n'*}
			rows+="[n$i] ${out#*$'\n'}"$'\n'
		else
			rows+="[n$i] (halbd-not-running)"$'\n'
		fi
	done
	printf 'NODE %s\n%s' "$hdr" "$rows" | column -t
}

bold "The seed article, live: keepalived + httpd high availability, with halb"
tell "Three nodes are web servers and directors at once.  Each runs httpd and" \
     "halbd with the article's keepalived.conf: VRRP moves the virtual IP" \
     "$VIP, and virtual_server balances it over the three httpds (DR, rr," \
     "persistence 50 s).  Kernel $(uname -r), halb.ko, network namespaces."

# --- 1. the lab ----------------------------------------------------------------
step "1. The lab: three nodes and a client on one LAN (192.0.2.0/24)"
cat <<EOF
              client c 192.0.2.50 (.51-.99 act as more clients)
                    |
   ================ LAN 192.0.2.0/24 ================   VIP $VIP
        |                     |                     |
   n1 192.0.2.11         n2 192.0.2.12         n3 192.0.2.13
   MASTER, prio 150      BACKUP, prio 100      BACKUP, prio 50
EOF
seed_up
load_halb
on n1 ip -br addr show eth0

# --- 2. httpd ------------------------------------------------------------------
step "2. httpd on every node, a home page naming the node"
for i in $NODES; do on "n$i" cat "$WORK/www$i/index.html"; echo; httpd_start "$i"; done
tell "From the client, each node's own address:"
printf '\033[2m[c]#\033[0m curl http://192.0.2.11/ http://192.0.2.12/ http://192.0.2.13/\n'
busywait 20000 eval '[ "$(nsx c curl -s -m 5 http://192.0.2.11/ http://192.0.2.12/ http://192.0.2.13/)" = n1n2n3 ]'
nsx c curl -s -m 5 -w '\n' http://192.0.2.11/ http://192.0.2.12/ http://192.0.2.13/
expect "the three httpds answer" eval '[ "$(nsx c curl -s -m 5 http://192.0.2.11/ http://192.0.2.12/ http://192.0.2.13/)" = n1n2n3 ]'

# --- 3. keepalived.conf ----------------------------------------------------------
step "3. keepalived.conf: the article's, addresses and interface changed"
tell "n1's file (check timings shortened for the demo; chk_httpd is the" \
     "operator's answer to the gap the article names, see step 10):"
sed 's/^/   | /' "$WORK/n1.conf"
tell "n2 and n3 differ only in router_id, state and priority:"
diff "$WORK/n1.conf" "$WORK/n2.conf" | grep '^[<>]'
printf '\033[2m[n1]#\033[0m halbd -t -f /etc/keepalived/keepalived.conf\n'
out=$("$HALBD" -t -f "$WORK/n1.conf" 2>&1)
sed "s|$WORK/n1.conf|keepalived.conf|; s/^/   /" <<<"$out"
expect "the config is accepted as it is (nat_mask, nb_get_retry: warnings only)" \
	eval '[[ $out == *"configuration OK"* ]]'

# --- 4. halbd ---------------------------------------------------------------------
step "4. systemctl start keepalived, on the three nodes: here, halbd"
for i in $NODES; do
	printf '\033[2m[n%s]#\033[0m halbd -f /etc/keepalived/keepalived.conf\n' "$i"
	halbd_start "$i"
done
busywait 20000 master_is 1
busywait 20000 all_reals
busywait 10000 eval 'standby 2 && standby 3 && dr_real_server 2 && dr_real_server 3'
tell "VRRP on each node:"
vrrp_all
expect "n1 is MASTER, n2 and n3 BACKUP" eval 'master_is 1 && state_is 2 BACKUP && state_is 3 BACKUP'
tell "The master holds the VIP on eth0, as in the article's ip addr:"
on n1 ip -br addr show eth0
expect "the VIP is on n1's eth0" vip_on 1 eth0
tell "A backup holds it on lo, not answering ARP for it: a DR real server" \
     "(the article's /etc/init.d/realserver, done by halbd):"
on n2 ip -br addr show lo
on n2 sysctl net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce
expect "n2 and n3 are DR real servers (VIP on lo, arp_ignore=1, arp_announce=2)" \
	eval 'dr_real_server 2 && dr_real_server 3'
tell "The virtual server, on the master and on a backup (standby: a backup" \
     "hands the VIP's packets to its own httpd, never schedules them again):"
on n1 halbctl -L -n
on n2 halbctl -L -n
expect "n1's service is active, n2's and n3's are standby" \
	eval '! standby 1 && standby 2 && standby 3'

# --- 5. balance -------------------------------------------------------------------
step "5. Requests through the VIP are balanced (lb_algo rr)"
tell "Six clients, one request each:"
ask 192.0.2.5{1..6}
expect "the three nodes answer, two clients each" eval '[ "$(answered_by "$HITS")" = "n1:2 n2:2 n3:2 " ]'
FIRST=$HITS

# --- 6. persistence ---------------------------------------------------------------
step "6. persistence_timeout 50: a client keeps its node"
ask 192.0.2.51 192.0.2.51 192.0.2.52 192.0.2.52 192.0.2.53 192.0.2.53
same() { local s; for s in 192.0.2.5{1..3}; do [ "$(node_for "$HITS" "$s")" = "$(node_for "$FIRST" "$s")" ] || return 1; done; }
expect "each client went back to the node it had" same
tell "The master's connection table: one template per client (port 0)" \
     "holds the choice for 50 s after its last connection:"
on n1 halbctl -L -n -c | grep -E 'pro|:0 '
st=$(svc_stats 2)
expect "the standby backups scheduled nothing (n2's service: $st conns/packets)" [ "$st" = "0 0" ]

# --- 7. the master stops ------------------------------------------------------------
step "7. systemctl stop keepalived on the master"
t0=$(now_ms)
printf '\033[2m[n1]#\033[0m kill -TERM $(cat /run/halbd.pid)\n'
halbd_stop 1
busywait 20000 master_is 2
t1=$(log_ms 2 "(VI_1) Entering MASTER STATE")
tell "n1 sent a priority-0 advertisement; n2 (priority 100) took over in $((t1 - t0)) ms" \
     "and announced the VIP with gratuitous ARP:"
on n1 ip -br addr show eth0
on n2 ip -br addr show eth0
vrrp_all
expect "the VIP left n1 and is on n2's eth0" master_is 2
tell "n1's httpd still runs and passes n2's TCP_CHECK, so n1 stays in the" \
     "pool: it must stay a DR real server (VIP on lo, service standby):"
on n1 ip -br addr show lo
on n1 halbctl -L -n
expect "n1, halbd stopped, is still a DR real server" eval 'dr_real_server 1 && standby 1'
tell "Six new clients, now through n2:"
ask 192.0.2.6{1..6}
expect "service continues: every client answered" all_answered "$HITS"

# --- 8. the master returns ------------------------------------------------------------
step "8. systemctl start keepalived on n1: it takes the VIP back (preemption)"
printf '\033[2m[n1]#\033[0m halbd -f /etc/keepalived/keepalived.conf\n'
t0=$(now_ms)
halbd_start 1
busywait 20000 master_is 1
busywait 10000 eval 'standby 2 && vip_on 2 lo'
t1=$(log_ms 1 "(VI_1) Entering MASTER STATE")
tell "n1 is MASTER again $((t1 - t0)) ms after its start:"
on n1 ip -br addr show eth0
on n2 ip -br addr show eth0
on n2 ip -br addr show lo
expect "n1 holds the VIP, n2 is back to BACKUP and DR real server" \
	eval 'master_is 1 && state_is 2 BACKUP && dr_real_server 2 && standby 2'
ask 192.0.2.5{1..3}
expect "clients answered" all_answered "$HITS"

# --- 9. an httpd stops -------------------------------------------------------------------
step "9. service httpd stop, on the node a client is using"
src= K=
for K in 3 2; do
	while read -r node s; do [ "$node" = "n$K" ] && src=$s && break; done <<<"$HITS"
	[ -n "$src" ] && break
done
[ -n "$src" ] || { src=192.0.2.51; K=3; }
tell "Client $src is on n$K.  Stopping httpd there:"
printf '\033[2m[n%s]#\033[0m service httpd stop\n' "$K"
t0=$(now_ms)
httpd_stop "$K"
busywait $((CHECK_BOUND_MS + 5000)) not_real_in 1 "$K"
t1=$(log_ms 1 "real server $(node_ip "$K"):80 removed")
tell "TCP_CHECK (delay_loop $DELAY_LOOP, connect_timeout $CONNECT_TIMEOUT, retry $RETRY) took it out" \
     "$((t1 - t0)) ms later:"
on n1 halbctl -L -n
expect "n$K left the master's pool" not_real_in 1 "$K"
ask "$src" "$src"
expect "client $src is served by another node" \
	eval 'all_answered "$HITS" && [[ "$(node_for "$HITS" "$src")" =~ ^n[123]$ ]] && [ "$(node_for "$HITS" "$src")" != "n$K" ]'
printf '\033[2m[n%s]#\033[0m service httpd start\n' "$K"
httpd_start "$K"
busywait $((CHECK_BOUND_MS + 5000)) real_in 1 "$K"
busywait 10000 state_is "$K" BACKUP
expect "n$K is back in the pool" real_in 1 "$K"

# --- 10. the gap -----------------------------------------------------------------------------
step "10. The article's gap: httpd dies on the master, keepalived lives"
tell "The article: \"if only the master's httpd fails while keepalived runs," \
     "the backups do not take over\".  The config above closes it the usual" \
     "way, a vrrp_script tracked by the instance:"
sed -n '/^vrrp_script/,/^}/p; /track_script/,/}/p' "$WORK/n1.conf" | sed 's/^/   | /'
printf '\033[2m[n1]#\033[0m service httpd stop\n'
t0=$(now_ms)
httpd_stop 1
busywait 20000 master_is 2
t1=$(log_ms 2 "(VI_1) Entering MASTER STATE")
busywait $((CHECK_BOUND_MS + 5000)) not_real_in 2 1
busywait 5000 eval 'dr_real_server 1 && standby 1'
tell "chk_httpd failed twice: n1 went to FAULT, n2 took the VIP $((t1 - t0)) ms after the kill:"
vrrp_all
on n2 ip -br addr show eth0
expect "n1 FAULT, n2 MASTER with the VIP" eval 'state_is 1 FAULT && master_is 2'
on n2 halbctl -L -n
expect "n2's TCP_CHECK took n1 out of the pool" not_real_in 2 1
ask 192.0.2.7{1..4}
expect "clients are answered by n2 and n3" eval '[ "$(answered_by "$HITS")" = "n2:2 n3:2 " ]'
tell "httpd back on n1: chk_httpd passes, n1 preempts again."
printf '\033[2m[n1]#\033[0m service httpd start\n'
httpd_start 1
busywait 20000 master_is 1
vrrp_all
expect "n1 is MASTER again" master_is 1

for i in $NODES; do halbd_stop "$i"; httpd_stop "$i"; done
step "Part 1: $ok_n steps as narrated, $bad_n not, in $(( ($(now_ms) - T0) / 1000 )) s"
rc=0
[ "$bad_n" = 0 ] || rc=1
if [ "${HALB_DEMO_PARTS:-all}" != seed ]; then
	topo_down
	bash "$here/cluster.sh" || rc=1
fi
exit "$rc"
