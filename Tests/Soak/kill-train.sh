#!/usr/bin/env bash
# Kill -9, again and again: `Tests/Soak/kill-train.sh N [SEED]`.
#
# Trains a small recipe (a slice of corpora/ddtp-en-fr, evaluation and checkpoints every 8 steps)
# once without a break, then again from scratch, SIGKILLing `nmt train` at N random moments (while
# it starts or prepares data, during a step, during an evaluation, during a checkpoint write) and
# resuming it with --resume after each kill until it finishes. Then checks that the two runs end
# with the same checkpoints, bit for bit, section by section (parameters, Adam's moments and step,
# the step, the data order, the sampler, the learning rate, the best scores, the curves; only the
# seconds of training differ), the same prepared data and model files, and that no `*.tmp-*` file
# is left. Prints where each kill landed and one summary line; exits 1 on any failure.
#
# The seed (printed; SEED or $SOAK_SEED to repeat a run) drives both bash's $RANDOM (when and how
# to kill) and `nmt train --seed`. The binary is $NMT, else .build/debug/nmt (built if missing).
# SOAK_KEEP=1 keeps the scratch directory; it is kept anyway when the soak fails.
set -euo pipefail
shopt -s nullglob

kills=${1:?usage: Tests/Soak/kill-train.sh N [SEED]}
[[ $kills =~ ^[0-9]+$ ]] || { echo "soak: N must be a number of kills, not '$kills'" >&2; exit 2; }
seed=${2:-${SOAK_SEED:-$(( (RANDOM << 15 | RANDOM) % 1000000 ))}}
RANDOM=$seed
root=$(cd "$(dirname "$0")/../.." && pwd)
nmt=${NMT:-$root/.build/debug/nmt}
if [ ! -x "$nmt" ]; then
    [ -z "${NMT:-}" ] || { echo "soak: \$NMT=$NMT is not an executable" >&2; exit 2; }
    (cd "$root" && swift build --product nmt)
fi

# Enough steps that the run cannot finish before its N kills: a killed run keeps the steps up to
# its last checkpoint, about 16 at most in the ways below (12 on average in a run with N = 30).
every=8
steps=$(( 48 + 16 * kills ))
work=$(mktemp -d "${TMPDIR:-/tmp}/nmt-soak.XXXXXX")
pid=
failed=1
finish() {
    if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    if [ "$failed" = 1 ] || [ -n "${SOAK_KEEP:-}" ]; then echo "soak: scratch directory kept: $work" >&2
    else rm -rf "$work"; fi
}
trap finish EXIT
fail() { echo "soak: FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "soak: seed $seed, $kills kills, $steps steps, nmt $nmt, scratch $work"
start_all=$(now)

# A small corpus: the first 2,000 training pairs and 60 dev pairs of the shipped corpus.
corpus=$root/corpora/ddtp-en-fr
mkdir -p "$work/corpus"
for side in en fr; do
    head -n 2000 "$corpus/train.$side" > "$work/corpus/train.$side"
    head -n 60 "$corpus/dev.$side" > "$work/corpus/dev.$side"
done
recipe=$work/soak.yaml
cat > "$recipe" <<EOF
# Tests/Soak/kill-train.sh: small and quick, with evaluations and checkpoints every $every steps so
# that kills land in them; sampled softmax and dropout so that their generators must resume too;
# a log line every step, so that the log tells where a kill landed.
name: soak
data:   {corpus: $work/corpus, src: en, tgt: fr, tokenizer: reversible, bpe_merges: 300,
         src_vocab: 600, tgt_vocab: 600, min_count: 1, max_length: 20, lowercase: false, reverse_source: true,
         buckets: [[10, 12], [20, 22]]}
model:  {embedding: 32, hidden: 64, layers: 1, attention: general, input_feeding: true, dropout: 0.1}
train:  {loss: sampled, num_sampled: 64, optimizer: adam, learning_rate: 0.01, decay: 0.5,
         max_gradient_norm: 5.0, batch_size: 16, max_minutes: 600, max_steps: $steps, eval_every: $every,
         log_every: 1, seed: 1}
decode: {beam: 2, length_penalty: 1.0, max_length_ratio: 2.0}
EOF

# Starts `nmt train` in the background into model directory $1 and data directory $2.
start() {
    local model=$1 data=$2; shift 2
    "$nmt" train --recipe "$recipe" --out "$model" --data "$data" --seed "$seed" --max-steps "$steps" "$@" \
        2>>"$work/train.log" &
    pid=$!
}
# Running and not a zombie (it has exited but is not waited for yet).
alive() {
    local _pid _comm state
    { read -r _pid _comm state _ < "/proc/$pid/stat"; } 2>/dev/null && [ "$state" != Z ]
}
lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }
temporaries() { { find "$@" -name '*.tmp-*' 2>/dev/null || true; } | sort; }    # (a directory may not exist yet)

# --- Checkpoint sections, read with od (format: Sources/Train/Checkpoint.swift): the magic (8
# bytes) and version (4), then sections of kind (1 byte: 1 text, 2 integers, 3 floats), name
# length (4), name, count (8) and payload; a checksum (8) last. Prints "kind name offset bytes".
number() { od -An --endian=little -t "u$3" -j "$2" -N "$3" "$1" | tr -d ' \n'; }
sections() {
    local file=$1 size pos=12 kind length name count width
    size=$(stat -c %s "$file")
    while (( pos < size - 8 )); do
        kind=$(number "$file" "$pos" 1)
        length=$(number "$file" $((pos + 1)) 4)
        name=$(dd if="$file" bs=1 skip=$((pos + 5)) count="$length" 2>/dev/null)
        count=$(number "$file" $((pos + 5 + length)) 8)
        case $kind in 1) width=1 ;; 2) width=8 ;; 3) width=4 ;; *) echo "bad section kind $kind at $pos"; return 1 ;; esac
        echo "$kind $name $((pos + 13 + length)) $((count * width))"
        pos=$((pos + 13 + length + count * width))
    done
}
# The training step a checkpoint holds (0 when there is none).
checkpoint_step() {
    [ -f "$1" ] || { echo 0; return; }
    local kind name offset bytes
    while read -r kind name offset bytes; do
        [ "$name" = step ] && { number "$1" "$offset" 8; echo; return; }
    done < <(sections "$1")
    echo 0
}
# Compares two checkpoints section by section; prints what differs.
compare_checkpoints() {
    local a=$1 b=$2 ok=0 kind name offset bytes other_offset
    local sa sb
    sa=$(sections "$a") || { echo "$a: $sa"; return 1; }
    sb=$(sections "$b") || { echo "$b: $sb"; return 1; }
    if [ "$(awk '{ print $1, $2, $4 }' <<<"$sa")" != "$(awk '{ print $1, $2, $4 }' <<<"$sb")" ]; then
        echo "$a and $b hold different sections"; return 1
    fi
    while read -r kind name offset bytes; do
        other_offset=$(awk -v n="$name" '$2 == n { print $3; exit }' <<<"$sb")
        # scalars: learning rate, best BLEU, best dev perplexity, then seconds of training (differ).
        [ "$name" = scalars ] && bytes=24
        if ! cmp -s -i "$offset:$other_offset" -n "$bytes" "$a" "$b"; then echo "$(basename "$a"): section $name differs"; ok=1; fi
    done <<<"$sa"
    return $ok
}

# --- 1. Uninterrupted, timing the start-up, the evaluations and the whole run.
straight=$work/straight
t0=$(now)
start "$straight" "$work/data-straight"       # not quiet: its log says how long evaluations take
startup=
while alive; do
    if [ -z "$startup" ] && [ "$(lines "$straight/log.jsonl")" -gt 0 ]; then startup=$(seconds "$t0" "$(now)"); fi
    sleep 0.01
done
wait "$pid" || fail "the uninterrupted run exited with status $? (see $work/train.log)"
pid=
total=$(seconds "$t0" "$(now)")
startup=${startup:-1}
[ "$(checkpoint_step "$straight/last.ckpt")" = "$steps" ] || fail "the uninterrupted run did not reach step $steps"
interval=$(awk -v t="$total" -v s="$startup" -v n="$steps" -v e="$every" 'BEGIN { printf "%.3f", (t - s) / (n / e) }')
evaluation=$(sed -n 's/.*| eval \([0-9.]*\)s$/\1/p' "$work/train.log" | awk '{ t += $1; n++ } END { printf "%.3f", n ? t / n : 0.3 }')
echo "soak: uninterrupted: $steps steps in ${total}s (first log line after ${startup}s, ${interval}s per checkpoint" \
     "interval, ${evaluation}s per evaluation)"

# --- 2. Killed N times, resumed after each kill.
model=$work/killed
data=$work/data-killed
random_seconds() { awk -v r=$(( RANDOM % 1000 )) -v m="$1" 'BEGIN { printf "%.3f", r / 1000 * m }'; }
declare -A landed=()
resumes=0
for (( k = 1; k <= kills; k++ )); do
    before=$(lines "$model/log.jsonl")
    stale=$(temporaries "$model" "$data")      # none: each run removes what killed runs left
    from=$(checkpoint_step "$model/last.ckpt")
    if (( k == 1 )); then start "$model" "$data" --quiet; else start "$model" "$data" --resume --quiet; resumes=$((resumes + 1)); fi
    # How: the first kill while it starts (preparing data, creating the model directory); then at
    # random: while starting, a while into the steps, in an evaluation, or in the next file write.
    (( k == 1 )) && mode=startup || mode=$(( RANDOM % 8 ))
    case $mode in
        0) mode=startup ;; 1|2|3) mode=step ;; 4|5) mode=eval ;; 6|7) mode=write ;;
    esac
    case $mode in
        startup) delay=$(random_seconds "$startup"); sleep "$delay" ;;
        step)
            while alive && [ "$(lines "$model/log.jsonl")" -le "$before" ]; do sleep 0.005; done
            delay=$(random_seconds "$(awk -v i="$interval" 'BEGIN { print 2 * i }')"); sleep "$delay" ;;
        eval)   # the log line of a step that ends in an evaluation is written just before it
            delay=0
            seen=$before
            while alive; do
                n=$(lines "$model/log.jsonl")
                if (( n > seen )); then
                    seen=$n
                    last=$(tail -n 1 "$model/log.jsonl")
                    s=$(sed -n 's/^{"step":\([0-9]*\), "epoch".*/\1/p' <<<"$last")
                    [ -n "$s" ] && (( s % every == 0 )) && break
                fi
                sleep 0.002
            done
            delay=$(random_seconds "$evaluation"); sleep "$delay" ;;
        write)  # past start-up, then the first temporary that appears (half the time: of last.ckpt,
                # which comes after best.ckpt's and training.svg's in an evaluation)
            (( RANDOM % 2 )) && want=last.ckpt || want=
            mode=write${want:+:$want}
            while alive && [ "$(lines "$model/log.jsonl")" -le "$before" ]; do sleep 0.005; done
            delay=$(random_seconds "$interval"); sleep "$delay"
            while alive; do
                files=("$model"/${want}*.tmp-* "$data"/${want}*.tmp-*)
                (( ${#files[@]} > 0 )) && break
            done ;;
    esac
    kill -9 "$pid" 2>/dev/null || true
    status=0
    wait "$pid" 2>/dev/null || status=$?       # (quiet: bash would report "Killed")
    pid=
    if (( status == 0 )); then
        fail "the run finished on its own before kill $k of $kills (seed $seed); it needs more steps"
    elif (( status != 137 )); then
        fail "run $k exited with status $status, not by the kill (see $work/train.log)"
    fi
    # Where it landed, from what the kill left behind.
    left=$(comm -13 <(echo "$stale") <(temporaries "$model" "$data") | sed '/^$/d')
    step_now=$(checkpoint_step "$model/last.ckpt")
    last=$( [ -f "$model/log.jsonl" ] && tail -n 1 "$model/log.jsonl" || true)
    s=$(sed -n 's/^{"step":\([0-9]*\),.*/\1/p' <<<"$last")
    if [ -n "$left" ]; then
        where="writing $(xargs -n1 basename <<<"$left" | sed 's/\.tmp-.*//' | sort -u | paste -sd, -)"
        [[ $left == *"$data"/* ]] && where="$where (preparing data)"
    elif [ ! -f "$data/report.json" ]; then where="preparing data"
    elif [ ! -f "$model/config.yaml" ]; then where="creating the model directory"
    elif (( $(lines "$model/log.jsonl") <= before )); then where="starting up or in the first step"
    elif [[ $last == *'"epoch"'* ]] && (( s % every == 0 )); then where="evaluating"
    elif [[ $last == *'"dev_perplexity"'* ]] && (( step_now < s )); then where="between evaluation and checkpoint"
    else where="training"
    fi
    key=${where%% (*}
    landed[$key]=$(( ${landed[$key]:-0} + 1 ))
    printf 'soak: kill %d/%d: %-15s after %ss: %s (last.ckpt step %s -> %s)\n' \
        "$k" "$kills" "$mode" "$delay" "$where" "$from" "$step_now"
done
if (( kills > 0 )); then
    start "$model" "$data" --resume --quiet
    resumes=$((resumes + 1))
else
    start "$model" "$data" --quiet
fi
status=0
wait "$pid" || status=$?
pid=
(( status == 0 )) || fail "the last resumed run exited with status $status (see $work/train.log)"

# --- 3. The checks.
problems=0
for file in last.ckpt best.ckpt; do
    compare_checkpoints "$straight/$file" "$model/$file" || problems=1
done
for file in config.yaml vocab.src vocab.tgt bpe.codes training.svg; do
    cmp -s "$straight/$file" "$model/$file" || { echo "soak: $file differs" >&2; problems=1; }
done
if [ "$(cd "$work/data-straight" && ls)" != "$(cd "$data" && ls)" ]; then echo "soak: the prepared data holds other files" >&2; problems=1; fi
for file in "$work/data-straight"/*; do
    cmp -s "$file" "$data/$(basename "$file")" || { echo "soak: prepared $(basename "$file") differs" >&2; problems=1; }
done
# log.jsonl: the same lines, timings aside (a resumed run drops what it does again).
untimed() { sed -E 's/, "(target_tokens_per_second|elapsed_seconds|remaining_seconds)":[^,}]*//g' "$1"; }
cmp -s <(untimed "$straight/log.jsonl") <(untimed "$model/log.jsonl") || { echo "soak: log.jsonl differs" >&2; problems=1; }
left=$(temporaries "$work")
[ -z "$left" ] || { echo "soak: temporaries left:" $left >&2; problems=1; }
echo "pair" | "$nmt" translate --model "$model" --checkpoint last --quiet > /dev/null \
    || { echo "soak: nmt translate refuses the resumed model" >&2; problems=1; }
(( problems == 0 )) || fail "the killed and resumed run differs from the uninterrupted one (seed $seed)"

tally=$(for where in "${!landed[@]}"; do echo "${landed[$where]} $where"; done | sort -rn | paste -sd, - | sed 's/,/, /g')
echo "soak: kills landed: ${tally:-none}; ${steps} steps; $(seconds "$start_all" "$(now)")s in all; seed $seed"
failed=0
echo "soak: $kills kills, $resumes resumes, parameters identical, no temporaries"
