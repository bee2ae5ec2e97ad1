# SPDX-License-Identifier: GPL-2.0
#
# Send crafted, broken VRRPv2 adverts for VRID 51 (auth PASS "1111",
# advert_int 1) from a test namespace.  Each kind breaks exactly one
# receive check of RFC 3768 section 7.1, so each must land on its own drop
# counter in halbd.
#
#   craft.py IFACE SRC_IP KIND COUNT [AH_KEY]
#
# The ah_* kinds are VRRPv2 in an IPsec AH header, as keepalived sends it
# (auth_type AH): each breaks one AH check for a receiver whose auth_pass
# is AH_KEY, VRID 51 still.  The ICV is computed here from RFC 2402 and
# 2403 (hmac, hashlib), independently of halbd's code.
import hashlib
import hmac
import struct
import sys

from scapy.all import Ether, IP, Raw, get_if_hwaddr, sendp
from scapy.utils import checksum


def vrrp2(vrid=51, prio=200, addrs=(bytes([192, 0, 2, 100]),), count=None,
          auth_type=1, auth=b"1111\0\0\0\0", adv=1, ver=2, typ=1, csum=None):
    body = bytes([ver << 4 | typ, vrid, prio, len(addrs) if count is None else count,
                  auth_type, adv, 0, 0]) + b"".join(addrs) + auth
    c = checksum(body) if csum is None else csum
    return body[:6] + bytes([c >> 8, c & 0xff]) + body[8:]


def ah_packet(kind, key, vrid=51, prio=50):
    src = bytes(int(x) for x in SRC.split("."))
    dst = bytes([224, 0, 0, 18])
    body = vrrp2(vrid=vrid, prio=prio, auth_type=2, auth=b"\0" * 8)
    seq, spi, nexthdr = 0x7fffffff, src, 112
    if kind == "ah_icv":		# another auth_pass
        key = b"wrongkey"
    elif kind == "ah_spi":		# signed right, but the SPI is not the sender
        spi = bytes([192, 0, 2, 250])
    elif kind == "ah_seq":		# signed right, a number long passed: a replay
        seq = 1
    elif kind == "ah_header":	# AH protecting something that is not VRRP
        nexthdr = 6
    else:
        raise SystemExit("unknown kind " + kind)
    total = 20 + 24 + len(body)
    ah = struct.pack("!BBH4sI", nexthdr, 4, 0, spi, seq)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, total, 4242, 0, 255, 51, 0, src, dst)
    # ICV: TOS, flags/offset and header checksum zeroed; TTL kept (multicast)
    zeroed = ip[:1] + b"\0" + ip[2:6] + b"\0\0" + ip[8:10] + b"\0\0" + ip[12:]
    key = key.ljust(8, b"\0")[:8]
    icv = hmac.new(key, zeroed + ah + b"\0" * 12 + body, hashlib.md5).digest()[:12]
    c = checksum(ip)
    ip = ip[:10] + bytes([c >> 8, c & 0xff]) + ip[12:]
    return (Ether(src=get_if_hwaddr(IFACE), dst="01:00:5e:00:00:12", type=0x0800) /
            Raw(ip + ah + icv + body))


def packet(kind):
    ttl = 255
    if kind.startswith("ah_"):
        return ah_packet(kind, KEY)
    if kind == "ttl":
        ttl, data = 64, vrrp2()
    elif kind == "checksum":
        good = vrrp2()
        data = vrrp2(csum=((good[6] << 8 | good[7]) ^ 0x0101))
    elif kind == "version":
        data = vrrp2(ver=1)
    elif kind == "type":
        data = vrrp2(typ=2)
    elif kind == "vrid":
        data = vrrp2(vrid=77)
    elif kind == "auth":
        data = vrrp2(auth=b"2222\0\0\0\0")
    elif kind == "auth_type":
        data = vrrp2(auth_type=0, auth=b"\0" * 8)
    elif kind == "truncated":
        data = vrrp2()[:6]
    elif kind == "length":		# says 3 addresses, carries 1
        data = vrrp2(count=3)
    elif kind == "interval":
        data = vrrp2(adv=3)
    else:
        raise SystemExit("unknown kind " + kind)
    # an explicit source MAC: with no route scapy would use 00:00:00:00:00:00,
    # which bridges drop
    return (Ether(src=get_if_hwaddr(IFACE), dst="01:00:5e:00:00:12") /
            IP(src=SRC, dst="224.0.0.18", ttl=ttl, proto=112) / Raw(data))


if __name__ == "__main__":
    IFACE, SRC, KIND, COUNT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    KEY = sys.argv[5].encode() if len(sys.argv) > 5 else b""
    for kind in KIND.split(","):
        sendp(packet(kind), iface=IFACE, count=COUNT, verbose=False)
