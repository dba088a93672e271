#!/usr/bin/env bash
# The allreduce of data-parallel training's gradients, 2 ranks, over shared memory (one host) and
# over TCP between two network namespaces joined by a veth pair (two hosts on this machine, as
# Tests/MPI/two-hosts.sh makes them; root). Sizes: the dense gradients of bench config S and M
# and of the shipped recipe (vocabularies 12,417/14,114 after BPE), and sizes between them for
# the fit. Prints a table; Benchmarks/scaling-projection.py turns it into a projection.
#   bash Benchmarks/allreduce.sh > allreduce.txt
set -euo pipefail
work=$(mktemp -d)
trap 'ip netns del nmt-b1 2>/dev/null || true; ip netns del nmt-b2 2>/dev/null || true; rm -rf "$work"' EXIT
mpicc -O2 -o "$work/allreduce" Benchmarks/allreduce.c
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Float counts: the dense gradients of S (7,661,376) and M (59,415,808), as the parameter layout
# adds them (bench train's allreduce_bytes add sampled softmax's S·(H+1) candidate slices), the
# shipped recipe's (about 12,978,000: best.ckpt holds θ, m and v, 155.75 MB / 12), and sizes for the fit.
sizes="1048576 4194304 7661376 12978000 16777216 59415808"
echo "# transport floats bytes seconds"
mpirun --oversubscribe -np 2 --mca btl self,vader "$work/allreduce" $sizes | sed 's/^/shared-memory /'
ip netns add nmt-b1; ip netns add nmt-b2
ip link add nmt-w1 type veth peer name nmt-w2
ip link set nmt-w1 netns nmt-b1; ip link set nmt-w2 netns nmt-b2
ip -n nmt-b1 addr add 10.78.0.1/24 dev nmt-w1; ip -n nmt-b2 addr add 10.78.0.2/24 dev nmt-w2
for h in 1 2; do ip -n nmt-b$h link set lo up; ip -n nmt-b$h link set nmt-w$h up; done
cat > "$work/rsh" <<'AGENT'
#!/usr/bin/env bash
host=$1; shift
case $host in 10.78.0.1) ns=nmt-b1 ;; 10.78.0.2) ns=nmt-b2 ;; *) exit 1 ;; esac
exec ip netns exec "$ns" /bin/sh -c "$*"
AGENT
chmod +x "$work/rsh"
ip netns exec nmt-b1 mpirun --host 10.78.0.1:1,10.78.0.2:1 -np 2 --mca plm_rsh_agent "$work/rsh" --mca btl self,tcp \
    --mca btl_tcp_if_include 10.78.0.0/24 --mca oob_tcp_if_include 10.78.0.0/24 "$work/allreduce" $sizes | sed 's/^/veth-tcp /'
