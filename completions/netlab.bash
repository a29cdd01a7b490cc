# bash completion for netlab(8)                              -*- shell-script -*-
#
# Install as /usr/share/bash-completion/completions/netlab, or source it
# from ~/.bashrc.  Interface names are read from the running system with
# "netlab link show --brief"; namespace names from /run/netns.

# COMPREPLY=($(compgen ...)) is the usual completion idiom; no candidate
# contains white space.
# shellcheck disable=SC2207

# Interface names, in the namespace given with -n/--netns if any.
# Extra arguments are passed to "link show" (e.g. "type bridge").
_netlab_ifnames()
{
    netlab "${_netlab_netns_opts[@]}" link show "$@" --brief 2>/dev/null |
        awk '{ sub(/@.*/, "", $1); print $1 }'
}

# netlab capture: tcpdump's options; interface names after -i, files after
# -r/-w; anything else is a pcap-filter(7) expression.
_netlab_capture()
{
    local cur=$1 prev=$2
    case $prev in
        -i | --interface)
            COMPREPLY=($(compgen -W "any $(_netlab_ifnames)" -- "$cur"))
            return
            ;;
        -r | --read | -w | --write)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        -Z | --relinquish-privileges)
            COMPREPLY=($(compgen -u -- "$cur"))
            return
            ;;
        -c | --count | -s | --snapshot-length | -B | --buffer-size) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-i --interface -r --read -w --write -c --count -Z --relinquish-privileges -s --snapshot-length
            -B --buffer-size -e -v -vv -vvv -n -q -S -t -tt -ttt -tttt -ttttt -x -xx -X -XX -l
            --immediate-mode -j --json -p --no-promiscuous-mode --nano --annotate --drops -h --help" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -W "arp rarp ip ip6 icmp icmp6 tcp udp vlan host net port src dst
        and or not ether portrange proto" -- "$cur"))
}

# netlab drops: interface names after -i, protocol words after -p, the
# kernel's reason names (netlab drops --list-reasons) after --reason.
_netlab_drops()
{
    local cur=$1 prev=$2
    case $prev in
        -i | --interface)
            COMPREPLY=($(compgen -W "$(_netlab_ifnames)" -- "$cur"))
            return
            ;;
        -p | --protocol)
            COMPREPLY=($(compgen -W "arp ip ip6" -- "$cur"))
            return
            ;;
        --reason)
            COMPREPLY=($(compgen -W "$(netlab drops --list-reasons 2>/dev/null)" -- "${cur^^}"))
            return
            ;;
        -c | --count | --duration) return ;;
    esac
    COMPREPLY=($(compgen -W "-i --interface -p --protocol --reason -c --count --duration --summary -j --json -l
        --list-reasons -h --help" -- "$cur"))
}

_netlab_netns_names()
{
    ls /run/netns 2>/dev/null
}

# TUN/TAP device names: the unindented "NAME: ..." lines of "tap show".
_netlab_tapnames()
{
    netlab "${_netlab_netns_opts[@]}" tap show 2>/dev/null |
        awk -F: '/^[^ \t]/ { print $1 }'
}

# Bridge names, and the ports of bridge $1.
_netlab_bridges()
{
    _netlab_ifnames type bridge
}

# Interfaces that can become bridge ports: not the loopback, not a bridge,
# not already enslaved to a master.
_netlab_free_ports()
{
    local bridges
    bridges=" $(_netlab_bridges | tr '\n' ' ') "
    netlab "${_netlab_netns_opts[@]}" link show 2>/dev/null |
        awk -v br="$bridges" '/^[0-9]+: / {
            name = $2; sub(/:$/, "", name); sub(/@.*/, "", name)
            if ($3 ~ /LOOPBACK/ || / master / || index(br, " " name " ")) next
            print name }'
}

_netlab_ports()
{
    [[ -n $1 ]] && _netlab_ifnames master "$1"
}

# The lines of stdin that are not among the arguments (names already given).
_netlab_not_in()
{
    local line a
    while read -r line; do
        for a; do
            [[ $line == "$a" ]] && continue 2
        done
        printf '%s\n' "$line"
    done
}

_netlab()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    local globalopts="-j --json -p --pretty -n --netns -4 -6 -d --details
        -b --brief --color -V --version -h --help"

    # Walk the words before the cursor: pick out global options (which
    # may appear anywhere), the object, the command and the rest.
    local -a _netlab_netns_opts=()
    local object='' command='' i w
    local -a args=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        # After "capture" the words are tcpdump's options and a filter;
        # after "drops", its options.
        [[ $object == capture || $object == drops ]] && break
        case $w in
            -n | --netns)
                if ((i + 1 < COMP_CWORD)); then
                    _netlab_netns_opts=("$w" "${COMP_WORDS[i + 1]}")
                fi
                ((i++))
                continue
                ;;
            --color)
                ((i++))
                continue
                ;;
            -t | -u | -g | --count | -d)
                # After "tap" these are tunctl's options and take a value
                # (before the object, -d is --details).
                [[ $object == tap ]] && ((i++))
                continue
                ;;
            -c | -w | -i | -s | --duration)
                # After "arp" or "ndp" (probe, rs, diagnose) these take a
                # value; after "dhcp", -w and --duration do.
                [[ $object == arp || $object == ndp || ($object == dhcp && ($w == -w || $w == --duration)) ||
                    ($object == path && $w == --duration) ]] && ((i++))
                continue
                ;;
            --mac)
                [[ $object == dhcp ]] && ((i++))
                continue
                ;;
            -p | --size)
                # After "path" these take a value (before it, -p is --pretty).
                [[ $object == path ]] && ((i++))
                continue
                ;;
            -*)
                continue
                ;;
        esac
        if [[ -z $object ]]; then
            case $w in
                l | link) object='link' ;;
                a | addr | address) object='addr' ;;
                n | neigh | neighbor | neighbour) object='neigh' ;;
                r | route) object='route' ;;
                nft) object='nft' ;;
                socket) object='socket' ;;
                tap | tuntap) object='tap' ;;
                br | bridge) object='bridge' ;;
                capture) object='capture' ;;
                drops) object='drops' ;;
                guest)
                    # No command word: the interface and keywords follow.
                    object='guest'
                    command='run'
                    ;;
                arp) object='arp' ;;
                ndp) object='ndp' ;;
                dhcp) object='dhcp' ;;
                path) object='path' ;;
                *) object=unknown ;;
            esac
        elif [[ -z $command ]]; then
            case $w in
                del) command=delete ;;
                *) command=$w ;;
            esac
            case $object/$command in
                tap/add) command=create ;;
                bridge/addbr) command=add ;;
                bridge/delbr) command=delete ;;
            esac
        elif [[ $object/$command == bridge/fdb ]]; then
            # bridge fdb VERB: one level more.
            case $w in
                del) command=fdb-delete ;;
                *) command=fdb-$w ;;
            esac
        else
            args+=("$w")
        fi
    done

    if [[ $object == capture ]]; then
        _netlab_capture "$cur" "$prev"
        return
    fi
    if [[ $object == drops ]]; then
        _netlab_drops "$cur" "$prev"
        return
    fi

    # Arguments of global options.
    case $prev in
        -n | --netns)
            if [[ $cur == */* ]]; then
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(_netlab_netns_names)" -- "$cur"))
            fi
            return
            ;;
        --color)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return
            ;;
        --bridge-conf | --save-evidence)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
    esac

    # Values of tunctl's options after "tap".
    if [[ $object == tap ]]; then
        case $prev in
            -d)
                COMPREPLY=($(compgen -W "$(_netlab_tapnames)" -- "$cur"))
                return
                ;;
            -u)
                COMPREPLY=($(compgen -u -- "$cur"))
                return
                ;;
            -g)
                COMPREPLY=($(compgen -g -- "$cur"))
                return
                ;;
            -t | --count) return ;;
        esac
    fi

    # Values of the options of arp and ndp probe, rs and diagnose, and of
    # dhcp probe and diagnose: free-form.
    if [[ $object == dhcp ]]; then
        case $prev in
            -w | --mac | --duration) return ;;
        esac
    fi
    if [[ $object == arp || $object == ndp ]]; then
        case $prev in
            -c | -w | -i | -s | --duration) return ;;
        esac
    fi
    if [[ $object == path ]]; then
        case $prev in
            -p)
                COMPREPLY=($(compgen -W "icmp udp/ tcp/" -- "$cur"))
                compopt -o nospace 2>/dev/null
                return
                ;;
            --size | --duration) return ;;
        esac
    fi

    if [[ $cur == -* ]]; then
        # Options of tap and bridge commands (-b, --brief and -d are
        # already among the global ones).
        case $object/$command in
            tap/create) globalopts+=" -t -u -g --count" ;;
            tap/diagnose) globalopts+=" --bridge-conf" ;;
            bridge/addif) globalopts+=" --move-addresses" ;;
            arp/probe) globalopts+=" -c -w -i -s -D -U -A" ;;
            arp/diagnose) globalopts+=" --duration --passive --whole-duration --no-kernel --sweep --save-evidence" ;;
            ndp/probe) globalopts+=" -c -w -i -s -u" ;;
            ndp/rs) globalopts+=" -w -1 --single" ;;
            ndp/diagnose) globalopts+=" --duration --passive --whole-duration --no-kernel --save-evidence" ;;
            dhcp/probe) globalopts+=" --mac -w --request" ;;  # -6 is among the global ones
            dhcp/diagnose) globalopts+=" --duration --passive" ;;
            path/diagnose) globalopts+=" -p --size --duration --passive" ;;
        esac
        COMPREPLY=($(compgen -W "$globalopts" -- "$cur"))
        return
    fi

    if [[ -z $object ]]; then
        COMPREPLY=($(compgen -W "link addr neigh route tap bridge capture drops guest arp ndp dhcp path nft socket" -- "$cur"))
        return
    fi

    if [[ -z $command ]]; then
        case $object in
            link) COMPREPLY=($(compgen -W "show add set delete" -- "$cur")) ;;
            addr) COMPREPLY=($(compgen -W "show add replace delete flush" -- "$cur")) ;;
            neigh) COMPREPLY=($(compgen -W "show add replace change delete flush" -- "$cur")) ;;
            nft | socket) COMPREPLY=($(compgen -W "show" -- "$cur")) ;;
            route) COMPREPLY=($(compgen -W "show get add replace delete" -- "$cur")) ;;
            tap) COMPREPLY=($(compgen -W "show create delete diagnose" -- "$cur")) ;;
            arp) COMPREPLY=($(compgen -W "inspect probe diagnose" -- "$cur")) ;;
            ndp) COMPREPLY=($(compgen -W "inspect probe rs diagnose" -- "$cur")) ;;
            dhcp) COMPREPLY=($(compgen -W "probe diagnose" -- "$cur")) ;;
            path) COMPREPLY=($(compgen -W "diagnose" -- "$cur")) ;;
            bridge)
                COMPREPLY=($(compgen -W "show add delete addif delif showmacs
                    showstp stp setfd sethello setmaxage setageing setpathcost
                    setportprio hairpin setport vlan_filtering fdb" -- "$cur"))
                ;;
        esac
        return
    fi
    if [[ $object/$command == bridge/fdb ]]; then
        COMPREPLY=($(compgen -W "show add append replace delete" -- "$cur"))
        return
    fi

    local scopes="global link host site"
    local states="permanent noarp reachable stale delay probe incomplete failed none"
    local rtypes="unicast local broadcast blackhole unreachable prohibit"

    # Keywords that take a value, per object/command; the word after them
    # is not a positional argument.
    local valkw=
    case $object/$command in
        link/show) valkw="type master" ;;
        link/add) valkw="type peer name netns mtu address index id remote group local dstport dev ttl link mode" ;;
        link/set) valkw="mtu address name master" ;;
        addr/show | addr/flush) valkw="dev scope" ;;
        addr/add | addr/replace) valkw="dev broadcast label scope valid_lft preferred_lft" ;;
        addr/delete) valkw="dev" ;;
        neigh/show | neigh/flush) valkw="dev nud" ;;
        neigh/add | neigh/replace | neigh/change) valkw="lladdr dev nud" ;;
        neigh/delete) valkw="dev" ;;
        socket/show) valkw="port" ;;
        route/show) valkw="table type dev proto via scope" ;;
        route/get) valkw="from iif oif" ;;
        route/add | route/replace | route/delete) valkw="via dev src metric table proto scope weight" ;;
        tap/show) valkw="dev name" ;;
        tap/diagnose) valkw="user dev" ;;
        tap/create) valkw="user group mode mac address mtu master count dev name" ;;
        guest/run) valkw="ip address ip6 mac gateway mtu ping ping6 count interval size duration reply-dst reply-sender also ra ra-interval dhcp-server lease router dns dev" ;;
        bridge/add) valkw="address mac stp forward_delay hello_time max_age ageing_time priority vlan_filtering" ;;
        bridge/setport) valkw="learning flood isolated hairpin cost priority" ;;
        bridge/fdb-show) valkw="dev br" ;;
        bridge/fdb-*) valkw="dev dst vni port vlan" ;;
        arp/inspect) valkw="dev" ;;
        ndp/inspect) valkw="dev" ;;
    esac

    # Count positional arguments and remember the keywords already used.
    local npos=0 used=" " nexthop='' j
    for ((j = 0; j < ${#args[@]}; j++)); do
        w=${args[j]}
        if [[ " $valkw " == *" $w "* ]]; then
            used+="$w "
            ((j++))
        elif [[ $object == route && $w == nexthop ]]; then
            nexthop=1
            used=" " # keywords may repeat in each nexthop clause
        elif [[ $object == route && " $rtypes " == *" $w "* && $npos -eq 0 ]]; then
            : # route type before the prefix
        elif [[ $object == neigh && $w == proxy ]]; then
            used+="$w "
        elif [[ $w == default && $object == route ]]; then
            ((npos++))
        elif [[ $object == tap && " tun tap multi_queue vnet_hdr pi one_queue " == *" $w "* ]]; then
            used+="$w "
        elif [[ $object == link && " learning nolearning " == *" $w "* ]]; then
            used+="learning nolearning "
        elif [[ $object == bridge && " self master permanent static dynamic " == *" $w "* ]]; then
            [[ " self master " == *" $w "* ]] && used+="$w " || used+="permanent static dynamic "
        elif [[ $object == guest && " quiet no-garp arp-off bpdu no-ipv6 no-tlla no-slaac dhcp dhcp-ignore-offers dhcp-no-release dhcp-bad-checksum " == *" $w "* ]]; then
            used+="$w "
        else
            case $w in
                up | down | nomaster | router | nodad | noprefixroute | \
                    optimistic | onlink | permanent | dynamic | tentative | \
                    dadfailed | deprecated | secondary | primary)
                    used+="$w "
                    ;;
                *) ((npos++)) ;;
            esac
        fi
    done

    # Values of keywords.
    local words=
    case $object/$command/$prev in
        tap/show/dev | tap/show/name)
            COMPREPLY=($(compgen -W "$(_netlab_tapnames)" -- "$cur"))
            return
            ;;
        tap/create/user | tap/diagnose/user)
            COMPREPLY=($(compgen -u -- "$cur"))
            return
            ;;
        tap/create/group)
            COMPREPLY=($(compgen -g -- "$cur"))
            return
            ;;
        tap/create/master)
            COMPREPLY=($(compgen -W "$(_netlab_bridges)" -- "$cur"))
            return
            ;;
        tap/create/mode) words="tap tun" ;;
        guest/run/ip6) words="auto" ;;
        guest/run/ip | guest/run/address | guest/run/mac | guest/run/gateway | guest/run/ping | \
            guest/run/count | guest/run/interval | guest/run/size | guest/run/duration | \
            guest/run/reply-dst | guest/run/reply-sender | guest/run/also | guest/run/ping6 | \
            guest/run/ra | guest/run/ra-interval | guest/run/dhcp-server | guest/run/lease | \
            guest/run/router | guest/run/dns)
            return # free-form value
            ;;
        bridge/add/stp | bridge/add/vlan_filtering | bridge/setport/learning | \
            bridge/setport/flood | bridge/setport/isolated | bridge/setport/hairpin)
            words="on off"
            ;;
        tap/create/dev | tap/create/name | tap/create/mac | tap/create/count | \
            bridge/add/mac | bridge/add/forward_delay | bridge/add/hello_time | \
            bridge/add/max_age | bridge/add/ageing_time | bridge/*/priority | \
            bridge/setport/cost)
            return # free-form value
            ;;
        link/add/id | link/add/remote | link/add/group | link/add/local | link/add/dstport | \
            link/add/index | bridge/fdb-*/dst | bridge/fdb-*/vni | bridge/fdb-*/port | \
            bridge/fdb-*/vlan)
            return # free-form value
            ;;
        link/add/ttl) words="auto" ;;
        link/add/mode) words="bridge vepa private passthru source" ;;
        link/add/link)
            COMPREPLY=($(compgen -W "$(_netlab_ifnames)" -- "$cur"))
            return
            ;;
        bridge/fdb-show/br)
            COMPREPLY=($(compgen -W "$(_netlab_bridges)" -- "$cur"))
            return
            ;;
        */dev | route/*/iif | route/*/oif)
            COMPREPLY=($(compgen -W "$(_netlab_ifnames)" -- "$cur"))
            return
            ;;
        link/*/master)
            COMPREPLY=($(compgen -W "$(_netlab_ifnames type bridge)" -- "$cur"))
            return
            ;;
        link/show/type) words="bridge veth dummy tun" ;;
        link/add/type) words="bridge veth dummy vxlan macvlan macvtap" ;;
        link/add/netns)
            COMPREPLY=($(compgen -W "$(_netlab_netns_names)" -- "$cur"))
            return
            ;;
        addr/*/scope | route/*/scope) words=$scopes ;;
        addr/*/broadcast) words="+" ;;
        addr/*/valid_lft | addr/*/preferred_lft) words="forever" ;;
        neigh/show/nud | neigh/flush/nud) words="$states all" ;;
        neigh/*/nud) words=$states ;;
        route/show/table) words="main local default all" ;;
        route/*/table) words="main local default" ;;
        route/show/type) words=$rtypes ;;
        */*/mtu | */*/address | */*/name | */*/peer | */*/label | \
            */*/lladdr | */*/via | */*/src | */*/from | */*/metric | \
            */*/proto | */*/weight)
            return
            ;;
    esac
    if [[ -n $words ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
        return
    fi

    # Keywords and positional arguments.
    local kw=
    case $object/$command in
        link/show)
            kw="type master up"
            ((npos == 0)) && words=$(_netlab_ifnames)
            ;;
        link/add)
            ((npos == 0)) && return # NAME of the new link
            kw="type mtu address index up"
            [[ " ${args[*]} " == *" veth "* ]] && kw+=" peer"
            [[ $used == *" peer "* ]] && kw+=" netns"
            [[ " ${args[*]} " == *" vxlan "* ]] &&
                kw+=" id remote group local dstport dev ttl learning nolearning"
            [[ " ${args[*]} " == *" macvlan "* || " ${args[*]} " == *" macvtap "* ]] && kw+=" link mode"
            ;;
        link/set)
            if ((npos == 0)); then
                words=$(_netlab_ifnames)
            elif [[ $used == *" up "* || $used == *" down "* ]]; then
                kw="mtu address name master nomaster group alias netns"
            else
                kw="up down mtu address name master nomaster group alias netns"
            fi
            ;;
        link/delete)
            ((npos == 0)) && words=$(_netlab_ifnames)
            ;;
        addr/show)
            kw="dev scope permanent dynamic tentative dadfailed deprecated
                secondary primary"
            ;;
        addr/add | addr/replace)
            ((npos == 0)) && return # PREFIX
            kw="dev broadcast label scope valid_lft preferred_lft nodad
                noprefixroute optimistic"
            ;;
        addr/delete)
            ((npos == 0)) && return
            kw="dev"
            ;;
        addr/flush) kw="dev scope" ;;
        neigh/show) kw="dev nud proxy" ;;
        socket/show) kw="udp tcp port" ;;
        neigh/add | neigh/replace | neigh/change)
            if ((npos == 0)); then
                kw="proxy"
            else
                kw="lladdr dev nud router proxy"
            fi
            ;;
        neigh/delete)
            ((npos == 0)) && return
            kw="dev"
            ;;
        neigh/flush) kw="dev nud" ;;
        route/show)
            kw="table type dev proto via scope"
            ((npos == 0)) && kw+=" default"
            ;;
        route/get)
            ((npos == 0)) && return # ADDRESS
            kw="from iif oif"
            ;;
        route/add | route/replace | route/delete)
            if ((npos == 0)); then
                kw="default"
                [[ " $rtypes " == *" ${args[0]} "* ]] || kw+=" $rtypes"
            elif [[ -n $nexthop ]]; then
                kw="via dev weight nexthop"
            else
                kw="via dev src metric table proto scope onlink nexthop"
            fi
            ;;
        tap/show)
            [[ $npos == 0 && $used != *" dev "* && $used != *" name "* ]] &&
                words=$(_netlab_tapnames)
            ;;
        tap/create)
            # NAME is optional and free-form: offer the keywords only.
            kw="user group tun tap mode multi_queue vnet_hdr pi mac mtu master
                up count"
            [[ $used == *" tun "* || $used == *" tap "* || $used == *" mode "* ]] &&
                used+="tun tap mode "
            ;;
        guest/run)
            # IFACE first, then the keywords.
            if ((npos == 0)) && [[ $used != *" dev "* ]]; then
                words=$(_netlab_ifnames)
            else
                kw="ip ip6 mac gateway mtu ping ping6 duration quiet no-garp arp-off
                    reply-dst reply-sender also bpdu no-ipv6 no-tlla no-slaac ra dhcp dhcp-server"
                [[ $used == *" ping "* || $used == *" ping6 "* ]] && kw+=" count interval size"
                [[ $used == *" ra "* ]] && kw+=" ra-interval"
                [[ $used == *" dhcp "* ]] && kw+=" dhcp-ignore-offers dhcp-no-release"
                [[ $used == *" dhcp-server "* ]] && kw+=" lease router dns dhcp-bad-checksum"
            fi
            ;;
        tap/delete)
            words=$(_netlab_tapnames | _netlab_not_in "${args[@]}")
            ;;
        tap/diagnose)
            if ((npos == 0)) && [[ $used != *" dev "* ]]; then
                words=$(_netlab_tapnames)
            else
                kw="user"
            fi
            ;;
        arp/inspect | ndp/inspect)
            if ((npos == 0)) && [[ $used != *" dev "* ]]; then
                kw="dev"
                words=$(_netlab_ifnames)
            fi
            ;;
        arp/probe | arp/diagnose | ndp/probe | ndp/rs | ndp/diagnose)
            # IFACE, then TARGET (an address: nothing to offer).
            ((npos == 0)) && words=$(_netlab_ifnames)
            ;;
        dhcp/probe | dhcp/diagnose)
            # IFACE (diagnose: then CLIENT-MAC, free-form).
            ((npos == 0)) && words=$(_netlab_ifnames)
            ;;
        bridge/show | bridge/showmacs | bridge/showstp | bridge/setfd | \
            bridge/sethello | bridge/setmaxage | bridge/setageing)
            ((npos == 0)) && words=$(_netlab_bridges)
            ;;
        bridge/add)
            ((npos == 0)) && return # BR, the name of the new bridge
            kw="address stp forward_delay hello_time max_age ageing_time
                priority vlan_filtering up"
            ;;
        bridge/delete)
            words=$(_netlab_bridges | _netlab_not_in "${args[@]}")
            ;;
        bridge/addif)
            if ((npos == 0)); then
                words=$(_netlab_bridges)
            else
                words=$(_netlab_free_ports | _netlab_not_in "${args[@]}")
            fi
            ;;
        bridge/delif)
            if ((npos == 0)); then
                words=$(_netlab_bridges)
            else
                words=$(_netlab_ports "${args[0]}" | _netlab_not_in "${args[@]}")
            fi
            ;;
        bridge/stp | bridge/vlan_filtering)
            case $npos in
                0) words=$(_netlab_bridges) ;;
                1) words="on off" ;;
            esac
            ;;
        bridge/fdb-show) kw="dev br" ;;
        bridge/fdb-*)
            ((npos == 0)) && return # LLADDR
            kw="dev dst vni port vlan self master permanent static dynamic"
            ;;
        bridge/setpathcost | bridge/setportprio | bridge/hairpin | bridge/setport)
            case $npos in
                0) words=$(_netlab_bridges) ;;
                1) words=$(_netlab_ports "${args[0]}") ;;
                2) [[ $command == hairpin ]] && words="on off" ;;
            esac
            ((npos >= 2)) && [[ $command == setport ]] &&
                kw="learning flood isolated hairpin cost priority"
            ;;
    esac

    # Drop keywords that were already given.
    local k out=
    for k in $kw; do
        [[ $used == *" $k "* ]] || out+="$k "
    done
    COMPREPLY=($(compgen -W "$out $words" -- "$cur"))
} &&
    complete -F _netlab netlab

# ex: filetype=sh
