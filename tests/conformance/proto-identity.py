#!/usr/bin/env python3
# proto-identity.py NETLAB CORPUS_DIR [PROTO...]: per-protocol packet identity
# of `netlab capture` against the installed tcpdump 4.99.3 over the captures
# of CORPUS_DIR (the shared corpus's all/). A packet belongs to a protocol when
# tcpdump's -n line for it matches the protocol's pattern; it is identical
# when netlab's text for it (all its lines) is byte for byte tcpdump's, at
# -n, -v and -vv (and with -e when EXTRA=-e is set in the environment).
# Prints one row per capture and a TOTAL row per protocol.
import os
import re
import subprocess
import sys

PATTERNS = {
    "stp": r"STP 802|\[\|stp\]|unknown STP",
    "lldp": r"LLDP",
    "openflow": r"OpenFlow",
    "igmp": r"igmp (query|v1 report|v2 report|v3 report|leave)|igmp-\d|mtrace|mresp",
    "igmp-dvmrp-pimv1": r"igmp (dvmrp|pimv1)",
    "llc": r"Unknown DSAP|Unknown SSAP|SNAP, |Unnumbered, |Supervisory, |Information, send|\[\|llc\]|\[\|snap\]",
    # Babel on UDP 6696/6697: "babel 2 (24) hello ihu", "babel [|babel]".
    "babel": r"babel ",
    "isis": r"IS-IS",
    "eap": r"EAP",
    "radius": r"RADIUS",
    # UDP or TCP port 53 or 5353 and the line ends as domain_print ends it:
    # the message length, a cut or an invalid header.
    "dns": r"\.(53|5353)(: | > ).*(\(\d+\)|\[\|domain\]|\(invalid\))$",
    "sflow": r"sFlow",
    "aoe": r"AoE",
    # ISAKMP/IKE on UDP 500 and 4500: "isakmp: phase 1 I ident", "NONESP-encap: isakmp...".
    "isakmp": r"isakmp",
    "icmp6": r"ICMP6|mobility",
    "mpls": r"MPLS|LSP-PING",
    # RIP on UDP 520 ("RIPv2, Response, length: 24") and RIPng on 521.
    "rip": r"RIPv|ripng|\[vers \d+\]|\[\|rip",
    # LDP on TCP and UDP 646: "LDP, Label-Space-ID: 10.1.0.2:0, pdu-length: 38".
    "ldp": r"(?<!L)LDP|\.646: $",
    "rsvp": r"RSVP",
    "cdp": r"CDPv|\[\|cdp\]",
    "dtp": r"DTPv|\[\|dtp\]",
    "cfm": r"CFMv|\[\|cfm\]",
    "otv": r"OTV|\[\|otv\]",
    "macsec": r"MACsec|\[\|macsec\]",
    "ppp": r"PPPoE|LCP, |IPCP, |IP6CP, |CCP, |BACP, |MPLSCP, |OSICP, |PAP, |CHAP, |MLPPP, |PPP protocol|\[\|ppp|\[\|pap|\[\|chap|\[\|mlppp|compressed PPP data",
    # The rest of issue 17's tier 1, by tcpdump's words for each.
    "vtp": r"VTPv|\[\|vtp\]",
    "udld": r"UDLDv|\[\|udld\]",
    "slow": r"LACPv|MARKERv|OAMv|\[\|slow|Slow Protocols|LACP|Marker",
    "ntp": r"NTPv|\[\|ntp\]",
    "tftp": r"\btftp\b|\[\|tftp\]| TFTP",
    "syslog": r"SYSLOG|\[\|syslog\]",
    "snmp": r"\bsnmp\b|GetRequest|GetResponse|GetNextRequest|SetRequest|Trap\(|\[\|snmp\]|C=|F=",
    "http": r"HTTP|\[\|http\]",
    "ssh": r"SSH-|\[\|ssh\]",
    # Redis on TCP 6379: ': RESP "PING"', ': RESP empty', ': RESP [|resp]'.
    "resp": r": RESP\b",
    "vlan": r"802\.1Q|vlan \d+",
    "vxlan": r"VXLAN|\[\|vxlan\]",
    "nsh": r"NSH, |\[\|nsh\]",
    "geneve": r"Geneve|\[\|geneve\]",
    "gre": r"GREv|\[\|gre\]",
    "vrrp": r"VRRPv|\[\|vrrp\]",
    "hsrp": r"HSRPv|\[\|hsrp\]",
    "sctp": r"sctp|SCTP|\[\|sctp\]",
    # AFS's RX on UDP 7000-7009: " rx data fs call fetch-data ...", " [|rx] (32)".
    # NFS over Sun RPC, UDP or TCP 2049: "NFS request xid 1 96 getattr fh ...", "NFS reply xid 1 reply ok 96".
    "nfs": r"NFS (request|reply) xid ",
    "rx": r" rx (data|ack|busy|abort|ackall|challenge|response|debug|params|version|type)|\[\|rx\]",
    "dccp": r"DCCP|\[\|dccp\]",
    "mptcp": r"mptcp",
    "icmp-error": r"ICMP .*(unreachable|time exceeded|parameter problem|redirect|source quench)",
    "pppoe": r"PPPoE",
    "eapol": r"EAPOL",
    # FRF.16 (link type 182) and Frame Relay's NLPID path (107): fragments,
    # control frames, "UI 08! " complaints, invalid addresses, Q.933, FRF.15.
    # Kerberos on UDP 88 and 750: " v4 be KDC_REQUEST: ...", " v5", and the
    # datagrams whose first byte is no version (nothing after the ports).
    "krb": r":  v[1-5]( |$)|\[\|krb\]|\.(88|750)(: | > \S+: )$",
    # L2TP on UDP 1701: " l2tp:[TLS](1/0)Ns=0,Nr=0 *MSGTYPE(SCCRQ) ...", L2F.
    "l2tp": r" l2tp:| l2f:|\[\|l2tp\]|Unknown Version, neither L2F",
    "mfr": r"FRF\.1[56]|Q\.933|Q\.922, invalid|^\s*\d+  \S+ (UI [0-9a-f]{2}! |Pad! |No pad! )|\[\|m?fr\]",
}
NUMBERED = re.compile(r"^ {0,4}\d+  ")
ENV = dict(os.environ, TZ="GMT0", LC_ALL="C")


def packets(cmd):
    out = subprocess.run(cmd, capture_output=True, env=ENV, timeout=300).stdout.decode("latin1")
    pk, cur = {}, None
    for line in out.split("\n"):
        if NUMBERED.match(line):
            cur = int(line.split()[0])
            pk[cur] = line
        elif cur is not None:
            pk[cur] += "\n" + line
    return pk


def main():
    netlab, corpus = sys.argv[1], sys.argv[2]
    protos = sys.argv[3:] or list(PATTERNS)
    extra = os.environ.get("EXTRA", "").split()
    files = sorted(f for f in os.listdir(corpus) if f.endswith((".pcap", ".pcapng", ".cap")))
    base = {f: packets(["tcpdump", "-#", "-n", "-r", os.path.join(corpus, f)]) for f in files}
    for proto in protos:
        rx = re.compile(PATTERNS[proto])
        total = {a: [0, 0] for a in ("-n", "-v", "-vv")}
        for f in files:
            sel = [k for k, text in base[f].items() if rx.search(text.split("\n")[0])]
            if not sel:
                continue
            row = [proto, f]
            for a in total:
                args = ([] if a == "-n" else [a]) + extra
                path = os.path.join(corpus, f)
                t = packets(["tcpdump", "-#", "-n", "-r", path] + args)
                n = packets([netlab, "capture", "-#", "-n", "-r", path] + args)
                same = sum(1 for k in sel if n.get(k) == t.get(k))
                total[a][0] += same
                total[a][1] += len(sel)
                row.append(f"{a} {same}/{len(sel)}")
            print("\t".join(row))
        print("\t".join([proto, "TOTAL"] + [f"{a} {s}/{n}" for a, (s, n) in total.items()]))


if __name__ == "__main__":
    main()
