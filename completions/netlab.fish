# fish completion for netlab(8)
#
# Install as ~/.config/fish/completions/netlab.fish or into the
# vendor_completions.d directory.  Interface names are read from the
# running system with "netlab link show --brief"; namespace names from
# /run/netns.

# Print "-n NAME" (or "--netns NAME") if the command line already has it.
function __netlab_netns_opts
    set -l tokens (commandline -opc)
    set -l n (count $tokens)
    set -l i 2
    while test $i -lt $n
        switch $tokens[$i]
            case -n --netns
                set -l j (math $i + 1)
                printf '%s\n' $tokens[$i] $tokens[$j]
                set i $j
        end
        set i (math $i + 1)
    end
end

# Interface names; extra arguments are passed to "link show".
function __netlab_ifnames
    netlab (__netlab_netns_opts) link show $argv --brief 2>/dev/null |
        awk '{ sub(/@.*/, "", $1); print $1 }'
end

function __netlab_netns_names
    ls /run/netns 2>/dev/null
end

# TUN/TAP device names: the unindented "NAME: ..." lines of "tap show".
function __netlab_tapnames
    netlab (__netlab_netns_opts) tap show 2>/dev/null |
        awk -F: '/^[^ \t]/ { print $1 }'
end

# Bridge names, and the ports of bridge $argv[1].
function __netlab_bridges
    __netlab_ifnames type bridge
end

# Interfaces that can become bridge ports: not the loopback, not a bridge,
# not already enslaved to a master.
function __netlab_free_ports
    set -l bridges " "(string join ' ' (__netlab_bridges))" "
    netlab (__netlab_netns_opts) link show 2>/dev/null |
        awk -v br="$bridges" '/^[0-9]+: / {
            name = $2; sub(/:$/, "", name); sub(/@.*/, "", name)
            if ($3 ~ /LOOPBACK/ || / master / || index(br, " " name " ")) next
            print name }'
end

function __netlab_ports
    test -n "$argv[1]"; and __netlab_ifnames master $argv[1]
end

# The lines of stdin that are not among the arguments (names already given).
function __netlab_not_in
    while read -l line
        contains -- $line $argv; or printf '%s\n' $line
    end
end

# Print the candidates for the word under the cursor.
function __netlab_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l n (count $tokens)

    # Walk the words before the cursor: skip global options (which may
    # appear anywhere), pick out the object, the command and the rest.
    set -l object
    set -l command
    set -l args
    set -l i 2
    while test $i -le $n
        set -l w $tokens[$i]
        # After "capture" the words are tcpdump's options and a filter;
        # after "drops", its options.
        test "$object" = capture -o "$object" = drops; and break
        switch $w
            case -n --netns --color
                set i (math $i + 2)
                continue
            case -t -u -g --count -d
                # After "tap" these are tunctl's options and take a value
                # (before the object, -d is --details).
                if test "$object" = tap
                    set i (math $i + 2)
                else
                    set i (math $i + 1)
                end
                continue
            case -c -w -i -s --duration
                # After "arp" or "ndp" (probe, rs, diagnose) these take a
                # value; after "dhcp", -w and --duration do.
                if test "$object" = arp -o "$object" = ndp; or test "$object" = dhcp -a \( "$w" = -w -o "$w" = --duration \)
                    set i (math $i + 2)
                else if test "$object" = path -a "$w" = --duration
                    set i (math $i + 2)
                else
                    set i (math $i + 1)
                end
                continue
            case --mac
                if test "$object" = dhcp
                    set i (math $i + 2)
                else
                    set i (math $i + 1)
                end
                continue
            case -p --size
                # After "path" these take a value (before it, -p is --pretty).
                if test "$object" = path
                    set i (math $i + 2)
                else
                    set i (math $i + 1)
                end
                continue
            case '-*'
                set i (math $i + 1)
                continue
        end
        if test -z "$object"
            switch $w
                case l link
                    set object link
                case a addr address
                    set object addr
                case n neigh neighbor neighbour
                    set object neigh
                case r route
                    set object route
                case nft
                    set object nft
                case socket
                    set object socket
                case tap tuntap
                    set object tap
                case br bridge
                    set object bridge
                case capture
                    set object capture
                case drops
                    set object drops
                case guest
                    # No command word: IFACE and keywords follow.
                    set object guest
                    set command run
                case arp
                    set object arp
                case ndp
                    set object ndp
                case dhcp
                    set object dhcp
                case path
                    set object path
                case '*'
                    set object unknown
            end
        else if test -z "$command"
            if test "$w" = del
                set command delete
            else
                set command $w
            end
            switch $object/$command
                case tap/add
                    set command create
                case bridge/addbr
                    set command add
                case bridge/delbr
                    set command delete
            end
        else if test "$object/$command" = bridge/fdb
            # bridge fdb VERB: one level more.
            if test "$w" = del
                set command fdb-delete
            else
                set command fdb-$w
            end
        else
            set -a args $w
        end
        set i (math $i + 1)
    end

    set -l prev $tokens[-1]

    # Arguments of global options (and tap diagnose's --bridge-conf FILE,
    # arp and ndp diagnose's --save-evidence FILE).
    switch $prev
        case --bridge-conf --save-evidence
            __fish_complete_path $cur
            return
        case -n --netns
            if string match -q -- '*/*' $cur
                __fish_complete_path $cur
            else
                __netlab_netns_names
            end
            return
        case --color
            printf '%s\n' auto always never
            return
    end

    # Values of tunctl's options after "tap".
    if test "$object" = tap
        switch $prev
            case -d
                __netlab_tapnames
                return
            case -u
                __fish_complete_users
                return
            case -g
                __fish_complete_groups
                return
            case -t --count
                return
        end
    end

    # Values of the options of path diagnose.
    if test "$object" = path
        switch $prev
            case -p
                printf '%s\n' icmp udp/ tcp/
                return
            case --size --duration
                return
        end
    end

    # Values of the options of dhcp probe and diagnose: free-form.
    if test "$object" = dhcp
        switch $prev
            case -w --mac --duration
                return
        end
    end
    # Values of the options of arp and ndp probe, rs and diagnose: free-form.
    if test "$object" = arp -o "$object" = ndp
        switch $prev
            case -c -w -i -s --duration
                return
        end
    end

    # Options are completed by the "complete -s/-l" definitions below.
    if string match -q -- '-*' $cur
        return
    end

    if test "$object" = drops
        switch $tokens[-1]
            case -i --interface
                __netlab_ifnames
            case -p --protocol
                printf '%s\n' arp ip ip6
            case --reason
                netlab drops --list-reasons 2>/dev/null
        end
        return
    end

    if test "$object" = capture
        switch $tokens[-1]
            case -i --interface
                echo any
                __netlab_ifnames
            case -r --read -w --write
                __fish_complete_path $cur
            case -c --count -s --snapshot-length -B --buffer-size
            case '*'
                printf '%s\n' arp rarp ip ip6 icmp icmp6 tcp udp vlan host net port src dst and or not ether
        end
        return
    end

    if test -z "$object"
        printf '%s\t%s\n' \
            link 'Network devices' \
            addr 'IPv4 and IPv6 addresses' \
            neigh 'ARP and NDP neighbour cache' \
            route 'Routing tables' \
            tap 'Persistent TUN/TAP devices' \
            bridge 'Bridges and their ports' \
            capture 'Capture or read packets, printed as tcpdump does' \
            drops 'Packet drops with the reasons the kernel gives' \
            guest 'Run a small userspace guest (ARP, ping) on a TAP or Ethernet interface' \
            arp 'Inspect the ARP table, probe addresses, diagnose ARP faults' \
            ndp 'IPv6 neighbour discovery: inspect, probe, rs, diagnose' \
            dhcp 'Probe the DHCP servers of a link, diagnose why a guest gets no lease' \
            path 'Diagnose why a guest cannot reach beyond the host' \
            nft 'The nftables ruleset: tables, chains, rules, counters' \
            socket 'UDP sockets and TCP listeners with their processes'
        return
    end

    if test -z "$command"
        switch $object
            case link
                printf '%s\t%s\n' \
                    show 'List links' \
                    add 'Create a link' \
                    set 'Change link attributes' \
                    delete 'Remove a link'
            case addr
                printf '%s\t%s\n' \
                    show 'List addresses' \
                    add 'Add an address' \
                    replace 'Add or update an address' \
                    delete 'Remove an address' \
                    flush 'Remove all addresses of a device'
            case nft
                printf '%s\t%s\n' show 'List the ruleset'
            case socket
                printf '%s\t%s\n' show 'List sockets'
            case neigh
                printf '%s\t%s\n' \
                    show 'List neighbour entries' \
                    add 'Add an entry' \
                    replace 'Add or overwrite an entry' \
                    change 'Modify an entry' \
                    delete 'Remove an entry' \
                    flush 'Remove entries of a device'
            case route
                printf '%s\t%s\n' \
                    show 'List routes' \
                    get 'Look up the route to an address' \
                    add 'Add a route' \
                    replace 'Add or replace a route' \
                    delete 'Remove a route'
            case tap
                printf '%s\t%s\n' \
                    show 'List TUN/TAP devices and their processes' \
                    create 'Create a persistent TUN/TAP device' \
                    delete 'Remove TUN/TAP devices' \
                    diagnose 'Say whether a user can attach to a TAP, and why not'
            case bridge
                printf '%s\t%s\n' \
                    show 'List bridges and their ports' \
                    add 'Create a bridge' \
                    delete 'Remove bridges' \
                    addif 'Make interfaces ports of a bridge' \
                    delif 'Release ports from a bridge' \
                    showmacs 'Show the forwarding database' \
                    showstp 'Show the spanning-tree state' \
                    stp 'Turn STP on or off' \
                    setfd 'Set the forward delay' \
                    sethello 'Set the hello time' \
                    setmaxage 'Set the maximum message age' \
                    setageing 'Set the MAC ageing time' \
                    setpathcost 'Set the path cost of a port' \
                    setportprio 'Set the priority of a port' \
                    hairpin 'Turn hairpin mode of a port on or off' \
                    setport 'Set the flags of a port' \
                    vlan_filtering 'Turn VLAN filtering on or off' \
                    fdb 'Show and change forwarding entries and VXLAN remotes'
            case arp
                printf '%s\t%s\n' \
                    inspect 'Show the neighbour table with each state explained' \
                    probe 'Send ARP requests and report who answers (arping)' \
                    diagnose 'Find why an address does not resolve'
            case ndp
                printf '%s\t%s\n' \
                    inspect 'Show IPv6 neighbours, addresses and SLAAC settings explained' \
                    probe 'Send neighbour solicitations and report the advertisements (ndisc6)' \
                    rs 'Send a router solicitation and decode the advertisements (rdisc6)' \
                    diagnose 'Find why IPv6 resolution or SLAAC fails'
            case dhcp
                printf '%s\t%s\n' \
                    probe 'Send a DHCP DISCOVER as a guest would and list every answer' \
                    diagnose 'Find why a guest gets no DHCP lease'
            case path
                printf '%s\t%s\n' \
                    diagnose "Follow a guest's packet through the host: route, firewall, NAT"
        end
        return
    end

    if test "$object/$command" = bridge/fdb
        printf '%s\t%s\n' \
            show 'List forwarding entries' \
            add 'Add an entry' \
            append 'Add one more remote (00:00:00:00:00:00: the flood list)' \
            replace 'Add or change an entry' \
            delete 'Delete an entry or one remote'
        return
    end

    set -l rtypes unicast local broadcast blackhole unreachable prohibit
    set -l states permanent noarp reachable stale delay probe incomplete failed none
    set -l scopes global link host site
    # Keywords without a value.
    set -l flags up down nomaster router nodad noprefixroute optimistic onlink \
        permanent dynamic tentative dadfailed deprecated secondary primary

    # Keywords that take a value; the word after them is not positional.
    set -l valkw
    switch $object/$command
        case link/show
            set valkw type master
        case link/add
            set valkw type peer name netns mtu address index id remote group local dstport dev ttl \
                link mode
        case link/set
            set valkw mtu address name master
        case addr/show addr/flush
            set valkw dev scope
        case addr/add addr/replace
            set valkw dev broadcast label scope valid_lft preferred_lft
        case addr/delete neigh/delete
            set valkw dev
        case neigh/show neigh/flush
            set valkw dev nud
        case socket/show
            set valkw port
        case neigh/add neigh/replace neigh/change
            set valkw lladdr dev nud
        case route/show
            set valkw table type dev proto via scope
        case route/get
            set valkw from iif oif
        case route/add route/replace route/delete
            set valkw via dev src metric table proto scope weight
        case tap/show
            set valkw dev name
        case tap/create
            set valkw user group mode mac address mtu master count dev name
        case tap/diagnose
            set valkw user dev
        case guest/run
            set valkw ip address ip6 mac gateway mtu ping ping6 count interval size duration \
                reply-dst reply-sender also ra ra-interval dhcp-server lease router dns dev
        case tap/delete
        case bridge/add
            set valkw address mac stp forward_delay hello_time max_age \
                ageing_time priority vlan_filtering
        case bridge/setport
            set valkw learning flood isolated hairpin cost priority
        case ndp/inspect
            set valkw dev
        case ndp/probe ndp/rs ndp/diagnose dhcp/probe dhcp/diagnose path/diagnose
            # IFACE (and TARGET), or FROM and TO: options only otherwise
        case bridge/fdb-show
            set valkw dev br
        case 'bridge/fdb-*'
            set valkw dev dst vni port vlan
        case 'bridge/*'
            # the other bridge commands take positional words only
        case arp/inspect
            set valkw dev
        case arp/probe arp/diagnose
            # IFACE and TARGET, options only otherwise
        case '*'
            return
    end

    # Count positional arguments and remember the keywords already used.
    set -l npos 0
    set -l used
    set -l nexthop 0
    set -l j 1
    set -l nargs (count $args)
    while test $j -le $nargs
        set -l w $args[$j]
        if contains -- $w $valkw
            set -a used $w
            set j (math $j + 1)
        else if test $object = route -a "$w" = nexthop
            set nexthop 1
            # keywords may repeat in each nexthop clause
            set used
        else if test $object = route -a $npos -eq 0; and contains -- $w $rtypes
            # route type before the prefix
        else if test $object = neigh -a "$w" = proxy
            set -a used proxy
        else if test $object = route -a "$w" = default
            set npos (math $npos + 1)
        else if test $object = tap; and contains -- $w tun tap multi_queue vnet_hdr pi one_queue
            set -a used $w
        else if test $object = link; and contains -- $w learning nolearning
            set -a used learning nolearning
        else if test $object = bridge; and contains -- $w self master
            set -a used $w
        else if test $object = bridge; and contains -- $w permanent static dynamic
            set -a used permanent static dynamic
        else if test $object = guest; and contains -- $w quiet no-garp arp-off bpdu no-ipv6 no-tlla no-slaac \
                dhcp dhcp-ignore-offers dhcp-no-release dhcp-bad-checksum
            set -a used $w
        else if contains -- $w $flags
            set -a used $w
        else
            set npos (math $npos + 1)
        end
        set j (math $j + 1)
    end

    # Values of keywords.
    switch $object/$command/$prev
        case tap/show/dev tap/show/name
            __netlab_tapnames
            return
        case tap/create/user tap/diagnose/user
            __fish_complete_users
            return
        case tap/create/group
            __fish_complete_groups
            return
        case tap/create/master
            __netlab_bridges
            return
        case tap/create/mode
            printf '%s\n' tap tun
            return
        case guest/run/ip6
            printf '%s\n' auto
            return
        case guest/run/ip guest/run/address guest/run/mac guest/run/gateway guest/run/ping \
            guest/run/count guest/run/interval guest/run/size guest/run/duration \
            guest/run/reply-dst guest/run/reply-sender guest/run/also guest/run/ping6 \
            guest/run/ra guest/run/ra-interval guest/run/dhcp-server guest/run/lease \
            guest/run/router guest/run/dns
            # free-form value
            return
        case bridge/add/stp bridge/add/vlan_filtering bridge/setport/learning \
            bridge/setport/flood bridge/setport/isolated bridge/setport/hairpin
            printf '%s\n' on off
            return
        case tap/create/dev tap/create/name tap/create/mac tap/create/count \
            bridge/add/mac bridge/add/forward_delay bridge/add/hello_time \
            bridge/add/max_age bridge/add/ageing_time 'bridge/*/priority' \
            bridge/setport/cost
            # free-form value
            return
        case link/add/id link/add/remote link/add/group link/add/local link/add/dstport \
            link/add/index 'bridge/fdb-*/dst' 'bridge/fdb-*/vni' 'bridge/fdb-*/port' \
            'bridge/fdb-*/vlan'
            # free-form value
            return
        case link/add/ttl
            printf '%s\n' auto
            return
        case link/add/mode
            printf '%s\n' bridge vepa private passthru source
            return
        case link/add/link
            __netlab_ifnames
            return
        case bridge/fdb-show/br
            __netlab_bridges
            return
        case '*/dev' 'route/*/iif' 'route/*/oif'
            __netlab_ifnames
            return
        case 'link/*/master'
            __netlab_ifnames type bridge
            return
        case link/show/type
            printf '%s\n' bridge veth dummy tun
            return
        case link/add/type
            printf '%s\n' bridge veth dummy vxlan macvlan macvtap
            return
        case link/add/netns
            __netlab_netns_names
            return
        case 'addr/*/scope' 'route/*/scope'
            printf '%s\n' $scopes
            return
        case 'addr/*/broadcast'
            printf '%s\t%s\n' + 'Derive from the prefix'
            return
        case 'addr/*/valid_lft' 'addr/*/preferred_lft'
            printf '%s\n' forever
            return
        case neigh/show/nud neigh/flush/nud
            printf '%s\n' $states all
            return
        case 'neigh/*/nud'
            printf '%s\n' $states
            return
        case route/show/table
            printf '%s\n' main local default all
            return
        case 'route/*/table'
            printf '%s\n' main local default
            return
        case route/show/type
            printf '%s\n' $rtypes
            return
        case '*/mtu' '*/address' '*/lladdr' '*/name' '*/peer' '*/label' \
            '*/via' '*/src' '*/from' '*/metric' '*/proto' '*/weight'
            # free-form value
            return
    end

    # Keywords and positional arguments.
    set -l kw
    set -l want_if 0
    switch $object/$command
        case link/show
            set kw type master up
            test $npos -eq 0; and set want_if 1
        case link/add
            # the first argument is the name of the new link
            test $npos -eq 0; and return
            set kw type mtu address index up
            contains -- veth $args; and set -a kw peer
            contains -- peer $used; and set -a kw netns
            contains -- vxlan $args; and set -a kw id remote group local dstport dev ttl learning nolearning
            if contains -- macvlan $args; or contains -- macvtap $args
                set -a kw link mode
            end
        case link/set
            if test $npos -eq 0
                set want_if 1
            else if contains -- up $used; or contains -- down $used
                set kw mtu address name master nomaster group alias netns
            else
                set kw up down mtu address name master nomaster group alias netns
            end
        case link/delete
            test $npos -eq 0; and set want_if 1
        case addr/show
            set kw dev scope permanent dynamic tentative dadfailed deprecated \
                secondary primary
        case addr/add addr/replace
            test $npos -eq 0; and return
            set kw dev broadcast label scope valid_lft preferred_lft nodad \
                noprefixroute optimistic
        case addr/delete neigh/delete
            test $npos -eq 0; and return
            set kw dev
        case addr/flush
            set kw dev scope
        case neigh/show
            set kw dev nud proxy
        case socket/show
            set kw udp tcp port
        case neigh/add neigh/replace neigh/change
            if test $npos -eq 0
                set kw proxy
            else
                set kw lladdr dev nud router proxy
            end
        case neigh/flush
            set kw dev nud
        case route/show
            set kw table type dev proto via scope
            test $npos -eq 0; and set -a kw default
        case route/get
            test $npos -eq 0; and return
            set kw from iif oif
        case route/add route/replace route/delete
            if test $npos -eq 0
                set kw default
                if test (count $args) -eq 0; or not contains -- $args[1] $rtypes
                    set -a kw $rtypes
                end
            else if test $nexthop -eq 1
                set kw via dev weight nexthop
            else
                set kw via dev src metric table proto scope onlink nexthop
            end
        case tap/show
            if test $npos -eq 0; and not contains -- dev $used; and not contains -- name $used
                __netlab_tapnames
            end
        case tap/diagnose
            if test $npos -eq 0; and not contains -- dev $used
                __netlab_tapnames
            else
                set kw user
            end
        case tap/create
            # NAME is optional and free-form: offer the keywords only.
            set kw user group tun tap mode multi_queue vnet_hdr pi mac mtu master \
                up count
            if contains -- tun $used; or contains -- tap $used; or contains -- mode $used
                set -a used tun tap mode
            end
        case guest/run
            # IFACE first, then the keywords.
            if test $npos -eq 0; and not contains -- dev $used
                set want_if 1
            else
                set kw ip ip6 mac gateway mtu ping ping6 duration quiet no-garp arp-off reply-dst \
                    reply-sender also bpdu no-ipv6 no-tlla no-slaac ra dhcp dhcp-server
                contains -- ping $used; or contains -- ping6 $used; and set -a kw count interval size
                contains -- ra $used; and set -a kw ra-interval
                contains -- dhcp $used; and set -a kw dhcp-ignore-offers dhcp-no-release
                contains -- dhcp-server $used; and set -a kw lease router dns dhcp-bad-checksum
            end
        case tap/delete
            __netlab_tapnames | __netlab_not_in $args
        case arp/inspect ndp/inspect
            if test $npos -eq 0; and not contains -- dev $used
                set kw dev
                set want_if 1
            end
        case arp/probe arp/diagnose ndp/probe ndp/rs ndp/diagnose dhcp/probe dhcp/diagnose
            # IFACE, then TARGET (an address: nothing to offer)
            test $npos -eq 0; and set want_if 1
        case bridge/show bridge/showmacs bridge/showstp bridge/setfd \
            bridge/sethello bridge/setmaxage bridge/setageing
            test $npos -eq 0; and __netlab_bridges
        case bridge/add
            # the first argument is the name of the new bridge
            test $npos -eq 0; and return
            set kw address stp forward_delay hello_time max_age ageing_time \
                priority vlan_filtering up
        case bridge/delete
            __netlab_bridges | __netlab_not_in $args
        case bridge/addif
            if test $npos -eq 0
                __netlab_bridges
            else
                __netlab_free_ports | __netlab_not_in $args
            end
        case bridge/delif
            if test $npos -eq 0
                __netlab_bridges
            else
                __netlab_ports $args[1] | __netlab_not_in $args
            end
        case bridge/stp bridge/vlan_filtering
            switch $npos
                case 0
                    __netlab_bridges
                case 1
                    printf '%s\n' on off
            end
        case bridge/fdb-show
            set kw dev br
        case 'bridge/fdb-*'
            # the first argument is the MAC address
            test $npos -eq 0; and return
            set kw dev dst vni port vlan self master permanent static dynamic
        case bridge/setpathcost bridge/setportprio bridge/hairpin bridge/setport
            switch $npos
                case 0
                    __netlab_bridges
                case 1
                    __netlab_ports $args[1]
                case 2
                    test $command = hairpin; and printf '%s\n' on off
            end
            if test $command = setport -a $npos -ge 2
                set kw learning flood isolated hairpin cost priority
            end
    end

    # Drop keywords that were already given.
    for k in $kw
        contains -- $k $used; or printf '%s\n' $k
    end
    test $want_if -eq 1; and __netlab_ifnames
end

complete -c netlab -f -a '(__netlab_complete)'
complete -c netlab -s j -l json -d 'JSON output'
complete -c netlab -s p -l pretty -d 'Pretty-print JSON (with -j)'
complete -c netlab -s n -l netns -d 'Run in network namespace NAME'
complete -c netlab -s 4 -d 'IPv4 only'
complete -c netlab -s 6 -d 'IPv6 only'
complete -c netlab -s d -l details -d 'Show more detail'
complete -c netlab -s b -l brief -d 'One line per object'
complete -c netlab -l color -d 'Colour output: auto, always or never'
complete -c netlab -s V -l version -d 'Print the version'
complete -c netlab -s h -l help -d 'Show help'

# Options of tap and bridge commands; their values come from __netlab_complete.
set -l __netlab_tap_create '__fish_seen_subcommand_from tap tuntap; and __fish_seen_subcommand_from create add'
complete -c netlab -n $__netlab_tap_create -s t -d 'Name or pattern of the new device (tunctl)'
complete -c netlab -n $__netlab_tap_create -s u -d 'Owner of the new device (tunctl)'
complete -c netlab -n $__netlab_tap_create -s g -d 'Group of the new device (tunctl)'
complete -c netlab -n $__netlab_tap_create -l count -d 'Create this many devices from the pattern'
complete -c netlab -n '__fish_seen_subcommand_from bridge br; and __fish_seen_subcommand_from addif' \
    -l move-addresses -d "Move the ports' addresses to the bridge"

# Options of drops.
set -l __netlab_drops '__fish_seen_subcommand_from drops'
complete -c netlab -n $__netlab_drops -s i -l interface -x -d 'Only drops of packets seen on this interface'
complete -c netlab -n $__netlab_drops -s p -l protocol -x -d 'Only this ethertype: arp, ip, ip6 or a number'
complete -c netlab -n $__netlab_drops -l reason -x -d 'Only this drop reason, as the kernel names it'
complete -c netlab -n $__netlab_drops -s c -l count -x -d 'Stop after COUNT drops'
complete -c netlab -n $__netlab_drops -l duration -x -d 'Stop after SECONDS'
complete -c netlab -n $__netlab_drops -l summary -d 'Only the count per reason and location'
complete -c netlab -n $__netlab_drops -s j -l json -d 'One JSON object per drop'
complete -c netlab -n $__netlab_drops -s l -d 'Write each line at once'
complete -c netlab -n $__netlab_drops -l list-reasons -d 'The drop reasons this kernel names'

# Options of capture (tcpdump's letters keep tcpdump's meanings after it).
set -l __netlab_capture '__fish_seen_subcommand_from capture'
complete -c netlab -n $__netlab_capture -s i -l interface -r -d 'Capture live on this interface'
complete -c netlab -n $__netlab_capture -s r -l read -r -d 'Read a pcap or pcapng file'
complete -c netlab -n $__netlab_capture -s w -l write -r -d 'Write the packets to a pcap file'
complete -c netlab -n $__netlab_capture -s c -l count -x -d 'Stop after COUNT packets'
complete -c netlab -n $__netlab_capture -s Z -l relinquish-privileges -x -a '(__fish_complete_users)' -d 'Become USER once the capture and the -w file are open'
complete -c netlab -n $__netlab_capture -s s -l snapshot-length -x -d 'Bytes to capture per packet'
complete -c netlab -n $__netlab_capture -s B -l buffer-size -x -d 'Capture buffer size in KiB'
complete -c netlab -n $__netlab_capture -s e -d 'Print the link-level header'
complete -c netlab -n $__netlab_capture -s v -d 'More detail (-vv, -vvv)'
complete -c netlab -n $__netlab_capture -s q -d 'Quick output'
complete -c netlab -n $__netlab_capture -s S -d 'Absolute TCP sequence numbers'
complete -c netlab -n $__netlab_capture -s t -d 'Timestamp style (-tt, -ttt, -tttt, -ttttt)'
complete -c netlab -n $__netlab_capture -s x -d 'Hex dump (-xx with the link header)'
complete -c netlab -n $__netlab_capture -s X -d 'Hex and ASCII dump (-XX with the link header)'
complete -c netlab -n $__netlab_capture -s l -d 'Line-buffered output'
complete -c netlab -n $__netlab_capture -l immediate-mode -d 'Deliver packets as they arrive'
complete -c netlab -n $__netlab_capture -l no-promiscuous-mode -d 'No promiscuous mode (-p)'
complete -c netlab -n $__netlab_capture -l nano -d 'Nanosecond timestamps'
complete -c netlab -n $__netlab_capture -l annotate -d 'ARP diagnosis notes under the packets and a summary'
complete -c netlab -n $__netlab_capture -l drops -d "The kernel's drops between the packet lines"

# Options of arp probe and arp diagnose; their values are free-form.
set -l __netlab_arp_probe '__fish_seen_subcommand_from arp; and __fish_seen_subcommand_from probe'
complete -c netlab -n $__netlab_arp_probe -s c -x -d 'Send COUNT probes (with -w: until COUNT are answered)'
complete -c netlab -n $__netlab_arp_probe -s w -x -d 'Stop after SECONDS'
complete -c netlab -n $__netlab_arp_probe -s i -x -d 'Seconds between probes'
complete -c netlab -n $__netlab_arp_probe -s s -x -d 'Source IPv4 address'
complete -c netlab -n $__netlab_arp_probe -s D -d 'Duplicate address detection (exit 0 when free)'
complete -c netlab -n $__netlab_arp_probe -s U -d 'Unsolicited announcement (gratuitous request)'
complete -c netlab -n $__netlab_arp_probe -s A -d 'Announcement as a gratuitous reply'
set -l __netlab_arp_diagnose '__fish_seen_subcommand_from arp; and __fish_seen_subcommand_from diagnose'
complete -c netlab -n $__netlab_arp_diagnose -l duration -x -d 'Seconds to watch'
complete -c netlab -n $__netlab_arp_diagnose -l passive -d 'Only watch, send nothing'
complete -c netlab -n $__netlab_arp_diagnose -l whole-duration -d 'Watch the whole duration even once a fault is proven'
complete -c netlab -n $__netlab_arp_diagnose -l no-kernel -d "Do not read the kernel's drop reasons"
complete -c netlab -n $__netlab_arp_diagnose -l sweep -d 'Sweep the subnet even off a lab link'
complete -c netlab -n $__netlab_arp_diagnose -l save-evidence -r -d 'Write what was analysed to a JSON FILE'
# Options of ndp probe, rs and diagnose; their values are free-form.
set -l __netlab_ndp_probe '__fish_seen_subcommand_from ndp; and __fish_seen_subcommand_from probe'
complete -c netlab -n $__netlab_ndp_probe -s c -x -d 'Send up to COUNT solicitations'
complete -c netlab -n $__netlab_ndp_probe -s w -x -d 'Listen SECONDS in all'
complete -c netlab -n $__netlab_ndp_probe -s i -x -d 'Seconds between solicitations'
complete -c netlab -n $__netlab_ndp_probe -s s -x -d 'Source IPv6 address'
complete -c netlab -n $__netlab_ndp_probe -s u -d 'Unicast solicitation to the cached MAC'
set -l __netlab_ndp_rs '__fish_seen_subcommand_from ndp; and __fish_seen_subcommand_from rs'
complete -c netlab -n $__netlab_ndp_rs -s w -x -d 'Listen SECONDS'
complete -c netlab -n $__netlab_ndp_rs -s 1 -l single -d 'Stop at the first advertisement'
set -l __netlab_ndp_diagnose '__fish_seen_subcommand_from ndp; and __fish_seen_subcommand_from diagnose'
complete -c netlab -n $__netlab_ndp_diagnose -l duration -x -d 'Seconds to watch'
complete -c netlab -n $__netlab_ndp_diagnose -l passive -d 'Only watch, send nothing'
complete -c netlab -n $__netlab_ndp_diagnose -l whole-duration -d 'Watch the whole duration even once a fault is proven'
complete -c netlab -n $__netlab_ndp_diagnose -l no-kernel -d "Do not read the kernel's drop reasons"
complete -c netlab -n $__netlab_ndp_diagnose -l save-evidence -r -d 'Write what was analysed to a JSON FILE'
# Options of dhcp probe; their values are free-form.
set -l __netlab_dhcp_probe '__fish_seen_subcommand_from dhcp; and __fish_seen_subcommand_from probe'
complete -c netlab -n $__netlab_dhcp_probe -l mac -x -d 'Client MAC (default: random, locally administered)'
complete -c netlab -n $__netlab_dhcp_probe -s w -x -d 'Listen SECONDS for answers (0.1 to 60)'
complete -c netlab -n $__netlab_dhcp_probe -l request -d 'Complete the exchange (also with -6), then release the address'
complete -c netlab -n $__netlab_dhcp_probe -s 6 -d 'DHCPv6: a SOLICIT, list the ADVERTISEs (with --request: lease, then release)'
# Options of dhcp diagnose; their values are free-form.
set -l __netlab_dhcp_diagnose '__fish_seen_subcommand_from dhcp; and __fish_seen_subcommand_from diagnose'
complete -c netlab -n $__netlab_dhcp_diagnose -l duration -x -d 'Watch SECONDS (1 to 60, default 5)'
complete -c netlab -n $__netlab_dhcp_diagnose -l passive -d 'Only watch the guests: send no probe'
# Options of path diagnose; --size and --duration are free-form.
set -l __netlab_path_diagnose '__fish_seen_subcommand_from path; and __fish_seen_subcommand_from diagnose'
complete -c netlab -n $__netlab_path_diagnose -s p -x -a 'icmp udp/ tcp/' -d 'What to send: icmp, udp/PORT or tcp/PORT'
complete -c netlab -n $__netlab_path_diagnose -l size -x -d "The probe's IP datagram size (28 to 9000, default 84)"
complete -c netlab -n $__netlab_path_diagnose -l duration -x -d 'Watch at most SECONDS (1 to 60, default 3)'
complete -c netlab -n $__netlab_path_diagnose -l passive -d "Send nothing: watch the guest's own packets"
