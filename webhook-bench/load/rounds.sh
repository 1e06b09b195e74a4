# Shared by run.sh and stores.sh (sourced, not run): the alternating order of the servers
# and the median of a round's figures.

# The servers in the order round $1 runs them: as listed in odd rounds, reversed in even
# ones, so that drift in the machine's load hits every server alike. Reads `servers`,
# sets `order`.
round_order() {
    order=("${servers[@]}")
    if [ $(($1 % 2)) -eq 0 ]; then
        order=()
        for ((i = ${#servers[@]} - 1; i >= 0; i--)); do order+=("${servers[$i]}"); done
    fi
}

# The median of the numbers on stdin (separated by spaces or newlines).
median() {
    tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
