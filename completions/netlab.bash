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

_netlab_netns_names()
{
    ls /run/netns 2>/dev/null
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
                *) object=unknown ;;
            esac
        elif [[ -z $command ]]; then
            case $w in
                del) command=delete ;;
                *) command=$w ;;
            esac
        else
            args+=("$w")
        fi
    done

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
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$globalopts" -- "$cur"))
        return
    fi

    if [[ -z $object ]]; then
        COMPREPLY=($(compgen -W "link addr neigh route" -- "$cur"))
        return
    fi

    if [[ -z $command ]]; then
        case $object in
            link) COMPREPLY=($(compgen -W "show add set delete" -- "$cur")) ;;
            addr) COMPREPLY=($(compgen -W "show add replace delete flush" -- "$cur")) ;;
            neigh) COMPREPLY=($(compgen -W "show add replace change delete flush" -- "$cur")) ;;
            route) COMPREPLY=($(compgen -W "show get add replace delete" -- "$cur")) ;;
        esac
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
        link/add) valkw="type peer name netns mtu address" ;;
        link/set) valkw="mtu address name master" ;;
        addr/show | addr/flush) valkw="dev scope" ;;
        addr/add | addr/replace) valkw="dev broadcast label scope valid_lft preferred_lft" ;;
        addr/delete) valkw="dev" ;;
        neigh/show | neigh/flush) valkw="dev nud" ;;
        neigh/add | neigh/replace | neigh/change) valkw="lladdr dev nud" ;;
        neigh/delete) valkw="dev" ;;
        route/show) valkw="table type dev proto via scope" ;;
        route/get) valkw="from iif oif" ;;
        route/add | route/replace | route/delete) valkw="via dev src metric table proto scope weight" ;;
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
        */dev | route/*/iif | route/*/oif)
            COMPREPLY=($(compgen -W "$(_netlab_ifnames)" -- "$cur"))
            return
            ;;
        link/*/master)
            COMPREPLY=($(compgen -W "$(_netlab_ifnames type bridge)" -- "$cur"))
            return
            ;;
        link/show/type) words="bridge veth dummy tun" ;;
        link/add/type) words="bridge veth dummy" ;;
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
            kw="type mtu address up"
            [[ " ${args[*]} " == *" veth "* ]] && kw+=" peer"
            [[ $used == *" peer "* ]] && kw+=" netns"
            ;;
        link/set)
            if ((npos == 0)); then
                words=$(_netlab_ifnames)
            elif [[ $used == *" up "* || $used == *" down "* ]]; then
                kw="mtu address name master nomaster"
            else
                kw="up down mtu address name master nomaster"
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
