#!/usr/bin/env bash
# Spark's overhead and rate (issue 22), on this machine's local[2] master:
#  1. the same IMAGES (default 1,000) images answered by `lennonnet predict --csv` in one process, and by the
#     Spark predict job through `mvn exec:java` (wall clock for both, and the job's own steady rate);
#  2. the demo dataset's features computed by `lennonnet train` into an empty cache, and by the Spark featurise
#     job (wall clock, and the job's steady rate).
# The model and the dataset are `lennonnet demo`'s (real ImageNet ResNet-50; made in WORK/demo when absent); the model
# is packed into one file, which both sides load.
# usage: [RUNS=3] bench/spark.sh [WORK]      (default WORK: /tmp/lennonnet-spark-bench; RUNS: predict runs of each side, taking turns)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${1:-/tmp/lennonnet-spark-bench}
N=${IMAGES:-1000}
JAR=$HERE/lennonnet-app/target/lennonnet.jar
JOB_JAR=$HERE/lennonnet-spark/target/lennonnet-spark-job.jar
if [ ! -f "$JAR" ] || [ ! -f "$JOB_JAR" ]; then
  # exec:java in the Spark module resolves the other modules from the local repository
  (cd "$HERE" && mvn -B -q -DskipTests install)
fi
DEMO=$WORK/demo
if [ ! -f "$DEMO/model/lennonnet.json" ]; then
  java -jar "$JAR" demo --work "$DEMO" --no-dashboard > "$WORK.demo.log" 2>&1
fi
# Both sides load the same packed model file, each from a JVM that has not loaded ND4J yet: given the folder, the
# Spark driver would pack it (building the network to check it) before the job's clock starts, and the executor,
# in the same JVM with a local master, would then find ND4J loaded and warm.
MODEL=$WORK/model.lennonnet
java -jar "$JAR" pack --model "$DEMO/model" --out "$MODEL" > "$WORK.pack.log" 2>&1
DATA=$DEMO/dataset

# N images: the demo's drawn test and train PNGs, copied round robin (decoding costs what it costs per image)
IMAGES_DIR=$WORK/images-$N
if [ ! -d "$IMAGES_DIR" ]; then
  mkdir -p "$IMAGES_DIR.part"
  mapfile -t SOURCES < <(find "$DATA/test" "$DATA/train" -name '*.png' | sort)
  for ((i = 0; i < N; i++)); do
    cp "${SOURCES[i % ${#SOURCES[@]}]}" "$IMAGES_DIR.part/$(printf '%05d' "$i").png"
  done
  mv "$IMAGES_DIR.part" "$IMAGES_DIR"
fi

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
spark_job() { (cd "$HERE" && mvn -B -q -pl lennonnet-spark exec:java -Dexec.args="$*"); }

# The rates compared like for like, each from its model (or backbone) file to its last row: `lennonnet predict`'s
# load (it prints it) and its progress line's seconds; the Spark job's own seconds, which hold the executor's load
# (with a local master it starts ahead, beside the query's planning), the planning, answering and writing. And the
# job's warm tasks (those after each executor's first wave) beside the one-process rate after its load.
# Sets RATIO (the job's rate over the other's, empty when a log lacks its figures).
# usage: compare WHAT ONE_PROCESS_NAME ONE_PROCESS_N ONE_PROCESS_SECS ONE_PROCESS_LOAD SPARK_LOG
compare() {
  local what=$1 one_name=$2 one_n=$3 one_secs=$4 one_load=$5 log=$6 n secs warm one_rate one_with spark_rate
  RATIO=
  n=$(grep -ho "new images: [0-9]* in [0-9.]* s" "$log" | tail -1 | awk '{print $3}')
  secs=$(grep -ho "new images: [0-9]* in [0-9.]* s" "$log" | tail -1 | awk '{print $5}')
  warm=$(grep -ho "warm tasks (after each executor's first wave): [0-9.]* images/s per task slot, [0-9.]* on" "$log" \
    | tail -1 | awk '{print $(NF-1)}')
  if [ -z "$one_secs" ] || [ -z "$secs" ]; then
    echo "$what: no figures in $log or in the one-process log" >&2
    return
  fi
  one_rate=$(echo "$one_n / $one_secs" | bc -l)
  spark_rate=$(echo "$n / $secs" | bc -l)
  if [ -n "$one_load" ]; then
    one_with=$(echo "$one_n / ($one_secs + $one_load)" | bc -l)
    RATIO=$(echo "$spark_rate / $one_with" | bc -l | xargs printf '%.2f')
    printf '%s rate, from the model file to the last row: %s %.1f images/s (%.1f s load + %.1f s); Spark %.1f images/s (%.1f s, its load and planning in them): %sx\n' \
      "$what" "$one_name" "$one_with" "$one_load" "$one_secs" "$spark_rate" "$secs" "$RATIO"
  else
    RATIO=$(echo "$spark_rate / $one_rate" | bc -l | xargs printf '%.2f')
    printf '%s rate: %s %.1f images/s after its load; Spark %.1f images/s with its load and planning: %sx\n' \
      "$what" "$one_name" "$one_rate" "$spark_rate" "$RATIO"
  fi
  if [ -n "$warm" ]; then
    printf '%s, warm tasks: Spark %.1f images/s against %s %.1f after its load (%.2fx)\n' "$what" "$warm" "$one_name" \
      "$one_rate" "$(echo "$warm / $one_rate" | bc -l)"
  fi
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# predict, RUNS times (default 3), the two sides taking turns, so that a slow spell of this shared machine falls on
# both rather than on one side's runs
RUNS=${RUNS:-3}
ratios=()
for ((run = 1; run <= RUNS; run++)); do
  rm -rf "$WORK/single.csv" "$WORK/spark-out"
  t0=$(now)
  java -jar "$JAR" predict --model "$MODEL" --csv "$WORK/single.csv" "$IMAGES_DIR" > "$WORK/single-$run.log" 2>&1
  t1=$(now)
  spark_job predict --master "local[2]" --model "$MODEL" --out "$WORK/spark-out" "$IMAGES_DIR" > "$WORK/spark-predict-$run.log" 2>&1
  t2=$(now)
  single=$(secs "$t0" "$t1")
  spark=$(secs "$t1" "$t2")
  echo "run $run of $RUNS: predict, $N images: lennonnet predict --csv $(printf '%.1f' "$single") s wall;" \
    "Spark local[2] via mvn exec:java $(printf '%.1f' "$spark") s wall: $(echo "$single / $spark" | bc -l | xargs printf '%.2f')x"
  grep -h "new images:" "$WORK/spark-predict-$run.log" | sed 's/^/  Spark predict, steady: /'
  one_secs=$(grep -ho "predict: $N/$N img in [0-9.]* s" "$WORK/single-$run.log" | tail -1 | awk '{print $(NF-1)}')
  one_load=$(grep -ho "loaded in [0-9.]* s" "$WORK/single-$run.log" | head -1 | awk '{print $3}')
  compare predict "one process" "$N" "$one_secs" "$one_load" "$WORK/spark-predict-$run.log"
  if [ -n "$RATIO" ]; then
    ratios+=("$RATIO")
  fi
done
if [ ${#ratios[@]} -gt 0 ]; then
  echo "predict over $RUNS runs, from the model file to the last row: ${ratios[*]}; median $(median "${ratios[@]}")x (target 0.8x)"
fi

# featurise, once
rm -rf "$WORK/features-out" "$WORK/empty-cache" "$WORK/train-model"
t3=$(now)
java -jar "$JAR" train --data "$DATA" --out "$WORK/train-model" --feature-cache "$WORK/empty-cache" --no-dashboard \
  > "$WORK/train.log" 2>&1
t4=$(now)
spark_job featurise --master "local[2]" --no-import --out "$WORK/features-out" "$DATA" > "$WORK/spark-featurise.log" 2>&1
t5=$(now)
echo "features of the demo dataset: lennonnet train (features, head, reports) $(printf '%.1f' "$(secs "$t3" "$t4")") s wall;" \
  "Spark featurise $(printf '%.1f' "$(secs "$t4" "$t5")") s wall"
grep -h "features: .* images computed, .* images/s" "$WORK/train.log" | tail -3 | sed 's/^/  train: /'
grep -h "new images:" "$WORK/spark-featurise.log" | sed 's/^/  Spark featurise, steady: /'
train_n=$(grep -ho "train features: [0-9]*/[0-9]* images computed, [0-9.]* images/s" "$WORK/train.log" | tail -1 \
  | awk '{split($3, a, "/"); print a[2]}')
train_rate=$(grep -ho "train features: [0-9]*/[0-9]* images computed, [0-9.]* images/s" "$WORK/train.log" | tail -1 | awk '{print $6}')
if [ -n "$train_rate" ]; then
  compare featurise "train's own" "$train_n" "$(echo "$train_n / $train_rate" | bc -l)" "" "$WORK/spark-featurise.log"
fi
