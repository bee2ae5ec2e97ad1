#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed article's cluster (shared/seed/keepalived-httpd-ha.md), built in
# network namespaces: three nodes, each a web server and a director at once,
# running httpd and halbd with the article's keepalived.conf.  Sourced by
# selftests/kmod/test_seed.sh (assertions) and selftests/demo/seed.sh
# (narration), after selftests/kmod/lib.sh.
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
#   VRRP VI_1 (vrid 51): VIP 192.0.2.100 on the master's eth0; the backups hold
#   it on lo with arp_ignore=1/arp_announce=2 (DR real servers, as the
#   article's /etc/init.d/realserver does by hand) and their service is
#   standby.  virtual_server 192.0.2.100 80: rr, DR, persistence_timeout 50,
#   the three nodes as real servers with TCP_CHECK.  The nodes route the
#   routed client's answers through r.

HALBD=$TOP/userspace/halbd/halbd
VIP=192.0.2.100
NODES="1 2 3"
node_ip() { echo "192.0.2.1$1"; }
node_prio() { case $1 in 1) echo 150 ;; 2) echo 100 ;; 3) echo 50 ;; esac; }
# health-check timing (the article's keywords; values shortened for a test):
# a dead httpd leaves the pool within delay_loop + connect_timeout*(retry+1)
DELAY_LOOP=2 CONNECT_TIMEOUT=2 RETRY=1 DELAY_BEFORE_RETRY=1
CHECK_BOUND_MS=$(( (DELAY_LOOP + CONNECT_TIMEOUT * (RETRY + 1)) * 1000 ))

# seed_conf N: node N's keepalived.conf, the article's (addresses and
# interface changed; check timings shortened), plus the vrrp_script an
# operator adds for the gap the article names: httpd dead on the master
seed_conf() {
	local n=$1 i state=BACKUP
	[ "$n" = 1 ] && state=MASTER
	cat <<EOF
! node n$n of the seed cluster
global_defs {
    router_id n$n
}
vrrp_script chk_httpd {
    script "/bin/busybox nc -w 1 127.0.0.1 80"
    interval 1
    timeout 3
    fall 2
    rise 1
}
vrrp_instance VI_1 {
    state $state
    interface eth0
    virtual_router_id 51
    priority $(node_prio "$n")
    advert_int 1
    authentication {
      auth_type PASS
      auth_pass 1111
    }
    virtual_ipaddress {
      $VIP
    }
    track_script {
      chk_httpd
    }
}
virtual_server $VIP 80 {
    delay_loop $DELAY_LOOP
    lb_algo rr
    lb_kind DR
    persistence_timeout 50
    protocol TCP
EOF
	for i in $NODES; do
		cat <<EOF
    real_server $(node_ip "$i") 80 {
        weight 3
        TCP_CHECK {
            connect_timeout $CONNECT_TIMEOUT
            nb_get_retry $RETRY
            delay_before_retry $DELAY_BEFORE_RETRY
            connect_port 80
        }
    }
EOF
	done
	echo "}"
}

# --- topology ---------------------------------------------------------------
seed_up() {
	local i
	modprobe -a veth bridge >/dev/null 2>&1
	for n in sw c r rc n1 n2 n3; do
		ip netns add "$NS_PREFIX-$n"
		nsx "$n" ip link set lo up
	done
	nsx sw ip link add br0 type bridge
	nsx sw ip link set br0 up
	# the client: one address per simulated client, to show rr + persistence
	ip link add eth0 netns "$NS_PREFIX-c" type veth peer name c netns "$NS_PREFIX-sw"
	nsx sw ip link set c master br0 up
	{
		for i in $(seq 50 99); do echo "addr add 192.0.2.$i/24 dev eth0"; done
		echo "link set eth0 up"
	} | nsx c ip -b -
	# the router and the routed client
	ip link add eth1 netns "$NS_PREFIX-r" type veth peer name r netns "$NS_PREFIX-sw"
	nsx sw ip link set r master br0 up
	ip link add eth0 netns "$NS_PREFIX-r" type veth peer name eth0 netns "$NS_PREFIX-rc"
	nsx r ip addr add 192.0.2.1/24 dev eth1
	nsx r ip addr add 198.51.100.1/24 dev eth0
	nsx r ip link set eth1 up
	nsx r ip link set eth0 up
	nsx r sysctl -qw net.ipv4.ip_forward=1
	nsx rc ip addr add 198.51.100.2/24 dev eth0
	nsx rc ip link set eth0 up
	nsx rc ip route add default via 198.51.100.1
	# the three nodes
	for i in $NODES; do
		ip link add eth0 netns "$NS_PREFIX-n$i" type veth peer name n$i netns "$NS_PREFIX-sw"
		nsx sw ip link set "n$i" master br0 up
		nsx "n$i" ip addr add "$(node_ip "$i")/24" dev eth0
		nsx "n$i" ip link set eth0 up
		nsx "n$i" ip route add default via 192.0.2.1
		mkdir -p "$WORK/www$i"
		printf 'n%s' "$i" > "$WORK/www$i/index.html"
		seed_conf "$i" > "$WORK/n$i.conf"
	done
}

mac_of() { nsx "n$1" cat /sys/class/net/eth0/address; }

# --- httpd and halbd on the nodes -------------------------------------------
declare -A HTTPD_PID HALBD_PID

# busybox httpd in the foreground, logging each request ("ADDR:PORT: url:/");
# `ip netns exec` execs it, so $! is httpd itself (not a subshell of nsx)
httpd_start() {
	ip netns exec "$NS_PREFIX-n$1" busybox httpd -f -vv -p 80 -h "$WORK/www$1" \
		</dev/null 2>>"$WORK/n$1.httpd.log" &
	HTTPD_PID[$1]=$!
}
httpd_stop() {
	kill "${HTTPD_PID[$1]}" 2>/dev/null
	wait "${HTTPD_PID[$1]}" 2>/dev/null
}

# as httpd: $! is halbd itself
halbd_start() {
	ip netns exec "$NS_PREFIX-n$1" "$HALBD" -n -l -f "$WORK/n$1.conf" -p "$WORK/n$1.pid" \
		--control "$WORK/n$1.sock" </dev/null >>"$WORK/n$1.log" 2>&1 &
	HALBD_PID[$1]=$!
}
halbd_stop() {	# as "systemctl stop keepalived": SIGTERM, wait for the exit
	kill -TERM "${HALBD_PID[$1]}" 2>/dev/null
	busywait 10000 eval "! kill -0 ${HALBD_PID[$1]} 2>/dev/null"
	wait "${HALBD_PID[$1]}" 2>/dev/null
}

# --- what a user looks at ---------------------------------------------------
vrrp_json() { "$HALBCTL" vrrp -j -s "$WORK/n$1.sock" 2>/dev/null; }
vrrp_state() { vrrp_json "$1" | jq -r '.instances[0].state' 2>/dev/null; }
state_is() { [ "$(vrrp_state "$1")" = "$2" ]; }
vip_on() { nsx "n$1" ip -o -4 addr show dev "$2" | grep -q " $VIP/32 "; }
# the service line of halbctl -L -n on node N
svc_line() { nsx "n$1" "$HALBCTL" -L -n | grep "^TCP  $VIP:80 "; }
standby() { svc_line "$1" | grep -q " standby$"; }
# real_in N M: node M is a real server in node N's table
real_in() { nsx "n$1" "$HALBCTL" -L -n | grep -q -- "-> $(node_ip "$2"):80 "; }
master_is() {	# master_is N: N master with the VIP on eth0, the others not
	local i
	state_is "$1" MASTER && vip_on "$1" eth0 || return 1
	for i in $NODES; do
		[ "$i" = "$1" ] && continue
		! vip_on "$i" eth0 || return 1
	done
}
log_ms() {	# log_ms N PATTERN: time stamp (ms) of PATTERN's last line in n$N.log
	grep -F -- "$2" "$WORK/n$1.log" | tail -1 | cut -d' ' -f1 | tr -d .
}
now_ms() { date +%s%3N; }

# hits SRC...: one request through the VIP from each client address SRC
# (one curl process, a new connection each); prints "NODE SRC" lines, with
# NODE "-" for a request nobody answered.  "hits rc" asks from the routed
# client instead (alone: it is another namespace).
hits() {
	local args=() s ns=c
	for s; do
		[ ${#args[@]} = 0 ] || args+=(--next)
		if [ "$s" = rc ]; then
			ns=rc
			args+=(-w " rc\n")
		else
			args+=(--interface "$s" -w " $s\n")
		fi
		args+=(-s --connect-timeout 3 -m 5 -H 'Connection: close' "http://$VIP/")
	done
	nsx "$ns" curl "${args[@]}" | sed 's/^ /- /'
}
