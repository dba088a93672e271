#!/usr/bin/env bash
# Two "hosts" on this machine: Linux network namespaces nmt-h1 and nmt-h2 joined by a veth pair
# (10.77.0.1 and 10.77.0.2), and data-parallel training across them over Open MPI's TCP transport
# (no shared memory between the ranks: each host has its own network stack, and btl is tcp).
# mpirun starts its daemon on the other host through an "rsh agent" that enters the host's
# namespace instead of ssh. Checks that the two-host run ends with the parameters of one process
# (DataParallelTrainTests' bound) and prints its allreduce figures. Run as root from the
# repository root after `swift build -c release`:
#   bash Tests/MPI/two-hosts.sh [STEPS]     (NMT=path/to/nmt for another build)
set -euo pipefail
steps=${1:-30}
nmt=$(realpath "${NMT:-.build/release/nmt}")
[[ $(id -u) == 0 ]] || { echo "two-hosts.sh: run as root (ip netns)"; exit 1; }
work=$(mktemp -d)
cleanup() { ip netns del nmt-h1 2>/dev/null || true; ip netns del nmt-h2 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cleanup; work=$(mktemp -d)

ip netns add nmt-h1
ip netns add nmt-h2
ip link add nmt-v1 type veth peer name nmt-v2
ip link set nmt-v1 netns nmt-h1
ip link set nmt-v2 netns nmt-h2
ip -n nmt-h1 addr add 10.77.0.1/24 dev nmt-v1
ip -n nmt-h2 addr add 10.77.0.2/24 dev nmt-v2
for h in 1 2; do ip -n nmt-h$h link set lo up; ip -n nmt-h$h link set nmt-v$h up; done
ip -n nmt-h1 -brief addr show nmt-v1 | grep -q 10.77.0.1

# The rsh agent: `agent HOST command…` runs the command in HOST's namespace.
cat > "$work/netns-rsh" <<'AGENT'
#!/usr/bin/env bash
host=$1; shift
case $host in 10.77.0.1) ns=nmt-h1 ;; 10.77.0.2) ns=nmt-h2 ;; *) echo "netns-rsh: unknown host $host" >&2; exit 1 ;; esac
exec ip netns exec "$ns" /bin/sh -c "$*"
AGENT
chmod +x "$work/netns-rsh"

# A small corpus and recipe (DataParallelTrainTests' setting).
mkdir -p "$work/corpus"
for split in "train 600" "dev 20" "test 20"; do
    read -r name lines <<< "$split"
    for side in en fr; do head -n "$lines" "corpora/ddtp-en-fr/$name.$side" > "$work/corpus/$name.$side"; done
done
cat > "$work/dp.yaml" <<YAML
name: dp
data:   {corpus: $work/corpus, src: en, tgt: fr, tokenizer: reversible, bpe_merges: 100,
         src_vocab: 300, tgt_vocab: 300, min_count: 1, max_length: 20, lowercase: false, reverse_source: true,
         buckets: [[10, 12], [20, 22]]}
model:  {embedding: 16, hidden: 16, layers: 2, attention: general, input_feeding: true, dropout: 0.3}
train:  {loss: sampled, num_sampled: 40, optimizer: adam, learning_rate: 0.01, decay: 0.5,
         max_gradient_norm: 1.0, batch_size: 12, max_minutes: 10, max_steps: $steps, eval_every: 1000, log_every: 5, seed: 3}
decode: {beam: 1, length_penalty: 1.0, max_length_ratio: 2.0}
YAML

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(--host 10.77.0.1:1,10.77.0.2:1 -np 2 --mca plm_rsh_agent "$work/netns-rsh" --mca btl self,tcp
     --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24 -x PATH)
"$nmt" train --recipe "$work/dp.yaml" --out "$work/one" --data "$work/data" --quiet
echo "two-hosts: ranks on $(ip netns exec nmt-h1 mpirun "${mpi[@]}" sh -c 'echo $(ip -brief addr show | grep -o "10.77.0.[12]")' | sort | tr '\n' ' ')"
ip netns exec nmt-h1 mpirun "${mpi[@]}" "$nmt" train --recipe "$work/dp.yaml" --out "$work/two" --data "$work/data" --quiet
ip netns exec nmt-h1 mpirun "${mpi[@]}" "$nmt" bench train --config S --loss sampled --steps 5 --threads 1
python3 - "$work/one/last.ckpt" "$work/two/last.ckpt" "$work/two/log.jsonl" <<'PY'
import json, struct, sys
def parameters(path):
    """The "parameters" tensor of a checkpoint (Sources/ModelFiles/Checkpoint.swift's format)."""
    data = open(path, "rb").read()
    at, sizes = 12, {1: 1, 2: 8, 3: 4}
    while at < len(data) - 8:
        kind = data[at]; length = struct.unpack_from("<I", data, at + 1)[0]
        name = data[at + 5:at + 5 + length].decode(); count = struct.unpack_from("<Q", data, at + 5 + length)[0]
        at += 13 + length
        if kind == 3 and name == "parameters":
            return struct.unpack_from("<%df" % count, data, at)
        at += count * sizes[kind]
    sys.exit("no parameters in " + path)
one, two = parameters(sys.argv[1]), parameters(sys.argv[2])
difference = max(abs(a - b) for a, b in zip(one, two)) / max(abs(a) for a in one)
ranks = {json.loads(l).get("ranks") for l in open(sys.argv[3])}
print("two-hosts: log.jsonl ranks %s; largest parameter difference against one process %.2g of the largest parameter" % (ranks, difference))
sys.exit(0 if difference <= 1e-4 and ranks == {2} else 1)
PY
