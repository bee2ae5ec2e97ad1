# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The VRRP interface going away and coming back, sourced by run.  Two
# multicast instances on every node's eth0: VI_1 (v2, 192.0.2.100) and VI_6
# (v3, 2001:db8::100); n1 150, n2 100, n3 50.
#
#   backup n3:  ip link del eth0 -> FAULT; a new eth0 (new ifindex) ->
#               BACKUP, hearing n1 again (socket and groups on the new index)
#   master n1:  down -> FAULT, n2 takes over; up -> n1 master again
#   master n1:  ip link del -> FAULT; new eth0 -> master with its VIPs on the
#               new interface, announced with the new MAC

rc_conf() {	# rc_conf FILE PRIO
	cat > "$1" <<EOF
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority $2
    advert_int 1
    virtual_ipaddress {
        192.0.2.100
    }
}
vrrp_instance VI_6 {
    interface eth0
    virtual_router_id 56
    priority $2
    advert_int 1
    virtual_ipaddress {
        2001:db8::100
    }
}
EOF
}

rc_states() {	# rc_states NODE STATE: both instances in STATE
	state_is "$1" VI_1 "$2" && state_is "$1" VI_6 "$2"
}

# rc_master NODE [FAULTED]: NODE master of both with both VIPs, the others
# backup without them, except FAULTED, which is checked by the caller
rc_master() {
	local m=$1 node
	rc_states "$m" MASTER && has_vip "$m" 192.0.2.100 && has_vip "$m" 2001:db8::100 || return 1
	for node in n1 n2 n3; do
		[ "$node" = "$m" ] || [ "$node" = "${2:-}" ] && continue
		rc_states "$node" BACKUP && no_vip "$node" 192.0.2.100 && no_vip "$node" 2001:db8::100 ||
			return 1
	done
}

rc_rx() {	# rc_rx NODE INSTANCE: adverts it accepted
	q "$1" "i['$2']['adverts_received']"
}

rc_grew() {	# rc_grew NODE: both instances accepted adverts since the saved counts
	[ "$(rc_rx "$1" VI_1)" -gt "$rx1" ] && [ "$(rc_rx "$1" VI_6)" -gt "$rx6" ]
}

rc_cases() {
	local rc rc2 old new mac td rx1 rx6
	rc_conf "$dir/rc-n1.conf" 150
	rc_conf "$dir/rc-n2.conf" 100
	rc_conf "$dir/rc-n3.conf" 50
	start_halbd n1 "$dir/rc-n1.conf"
	start_halbd n2 "$dir/rc-n2.conf"
	start_halbd n3 "$dir/rc-n3.conf"
	busywait 8000 rc_master n1
	ktap_result $? "interface: n1 master of VI_1 and VI_6, n2 and n3 backup"

	# --- a backup's interface deleted and created again ---------------------
	old=$(ip -n "$(ns n3)" -o link show eth0 | cut -d: -f1)
	ip -n "$(ns n3)" link del eth0
	busywait 3000 rc_states n3 FAULT && state_is n1 VI_1 MASTER
	ktap_result $? "interface: n3's eth0 deleted, both its instances FAULT"
	node_link n3
	new=$(ip -n "$(ns n3)" -o link show eth0 | cut -d: -f1)
	log "n3 eth0: ifindex $old, after re-creation $new"
	busywait 5000 has_linklocal n3
	busywait 5000 rc_states n3 BACKUP
	rc=$?
	rx1=$(rc_rx n3 VI_1)
	rx6=$(rc_rx n3 VI_6)
	# longer than Master_Down (3.8 s for 50): deaf to n1, n3 would turn master
	[ $rc = 0 ] && [ "$old" != "$new" ] && busywait 3000 rc_grew n3 &&
		holds 5000 rc_master n1 &&
		grep -q "(VI_1) eth0 was recreated (index $new, was $old)" "$dir/n3.log"
	rc=$?
	[ $rc = 0 ] || ctl n3 | sed 's/^/# /'
	ktap_result $rc "interface: re-created eth0 (index $old -> $new), n3 back to BACKUP hearing n1 over IPv4 and IPv6"

	# --- the master's interface down and up ---------------------------------
	ip -n "$(ns n1)" link set eth0 down
	busywait 3000 rc_states n1 FAULT && busywait 6000 rc_master n2 n1 &&
		no_vip n1 192.0.2.100 && no_vip n1 2001:db8::100 && rc_states n1 FAULT
	ktap_result $? "interface: master's eth0 down, n1 FAULT without VIPs, n2 takes both over"
	ip -n "$(ns n1)" link set eth0 up
	busywait 8000 rc_master n1
	ktap_result $? "interface: eth0 up again, n1 leaves FAULT and preempts both back"

	# --- the master's interface deleted and created again --------------------
	ip -n "$(ns n1)" link del eth0
	busywait 3000 rc_states n1 FAULT && busywait 6000 rc_master n2 n1 && rc_states n1 FAULT
	ktap_result $? "interface: master's eth0 deleted, n1 FAULT, n2 master of both"
	: > "$dir/rc-tcpdump.err"
	ip netns exec "$(ns br)" tcpdump -i br0 -n -e -l arp > "$dir/rc-garp.txt" 2> "$dir/rc-tcpdump.err" &
	td=$!
	pids+=("$td")
	busywait 3000 grep -q listening "$dir/rc-tcpdump.err"
	node_link n1
	mac=$(ip -n "$(ns n1)" link show eth0 | awk '/link\/ether/ {print $2}')
	busywait 10000 rc_master n1
	rc=$?
	busywait 3000 grep -q "$mac > ff:ff:ff:ff:ff:ff, ethertype ARP.*who-has 192.0.2.100 .*tell 192.0.2.100," "$dir/rc-garp.txt"
	rc2=$?
	kill "$td" 2> /dev/null
	[ $rc = 0 ] || { ctl n1; ctl n2; } | sed 's/^/# /'
	ktap_result $rc "interface: re-created eth0, n1 master again with both VIPs on the new interface"
	ktap_result $rc2 "interface: n1 announced 192.0.2.100 with the new interface's MAC $mac"
	stop_halbd n1
	stop_halbd n2
	stop_halbd n3
}

rc_cases
