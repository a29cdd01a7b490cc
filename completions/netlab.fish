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
        switch $w
            case -n --netns --color
                set i (math $i + 2)
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
                case '*'
                    set object unknown
            end
        else if test -z "$command"
            if test "$w" = del
                set command delete
            else
                set command $w
            end
        else
            set -a args $w
        end
        set i (math $i + 1)
    end

    set -l prev $tokens[-1]

    # Arguments of global options.
    switch $prev
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

    # Options are completed by the "complete -s/-l" definitions below.
    if string match -q -- '-*' $cur
        return
    end

    if test -z "$object"
        printf '%s\t%s\n' \
            link 'Network devices' \
            addr 'IPv4 and IPv6 addresses' \
            neigh 'ARP and NDP neighbour cache' \
            route 'Routing tables'
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
        end
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
            set valkw type peer name netns mtu address
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
        case neigh/add neigh/replace neigh/change
            set valkw lladdr dev nud
        case route/show
            set valkw table type dev proto via scope
        case route/get
            set valkw from iif oif
        case route/add route/replace route/delete
            set valkw via dev src metric table proto scope weight
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
        else if contains -- $w $flags
            set -a used $w
        else
            set npos (math $npos + 1)
        end
        set j (math $j + 1)
    end

    # Values of keywords.
    switch $object/$command/$prev
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
            printf '%s\n' bridge veth dummy
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
            set kw type mtu address up
            contains -- veth $args; and set -a kw peer
            contains -- peer $used; and set -a kw netns
        case link/set
            if test $npos -eq 0
                set want_if 1
            else if contains -- up $used; or contains -- down $used
                set kw mtu address name master nomaster
            else
                set kw up down mtu address name master nomaster
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
