#!/usr/bin/env bash
# Spark's overhead and rate (issue 22), on this machine's local[2] master:
#  1. the same IMAGES (default 1,000) images answered by `lennonnet predict --csv` in one process, and by the
#     Spark predict job through `mvn exec:java` (wall clock for both, and the job's own steady rate);
#  2. the demo dataset's features computed by `lennonnet train` into an empty cache, and by the Spark featurise
#     job (wall clock, and the job's steady rate).
# The model and the dataset are `lennonnet demo`'s (real ImageNet ResNet-50; made in WORK/demo when absent).
# usage: bench/spark.sh [WORK]      (default WORK: /tmp/lennonnet-spark-bench)
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
MODEL=$DEMO/model
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

rm -rf "$WORK/single.csv" "$WORK/spark-out" "$WORK/features-out" "$WORK/empty-cache" "$WORK/train-model"
t0=$(now)
java -jar "$JAR" predict --model "$MODEL" --csv "$WORK/single.csv" "$IMAGES_DIR" > "$WORK/single.log" 2>&1
t1=$(now)
spark_job predict --master "local[2]" --model "$MODEL" --out "$WORK/spark-out" "$IMAGES_DIR" > "$WORK/spark-predict.log" 2>&1
t2=$(now)
java -jar "$JAR" train --data "$DATA" --out "$WORK/train-model" --feature-cache "$WORK/empty-cache" --no-dashboard \
  > "$WORK/train.log" 2>&1
t3=$(now)
spark_job featurise --master "local[2]" --no-import --out "$WORK/features-out" "$DATA" > "$WORK/spark-featurise.log" 2>&1
t4=$(now)

single=$(secs "$t0" "$t1")
spark=$(secs "$t1" "$t2")
echo "predict, $N images: lennonnet predict --csv $(printf '%.1f' "$single") s wall ($(echo "$N / $single" | bc -l | xargs printf '%.1f') images/s);" \
  "Spark local[2] via mvn exec:java $(printf '%.1f' "$spark") s wall: $(echo "$single / $spark" | bc -l | xargs printf '%.2f')x"
grep -h "new images:" "$WORK/spark-predict.log" | sed 's/^/  Spark predict, steady: /'
echo "features of the demo dataset: lennonnet train (features, head, reports) $(printf '%.1f' "$(secs "$t2" "$t3")") s wall;" \
  "Spark featurise $(printf '%.1f' "$(secs "$t3" "$t4")") s wall"
grep -h "features: .* images computed, .* images/s" "$WORK/train.log" | tail -3 | sed 's/^/  train: /'
grep -h "new images:" "$WORK/spark-featurise.log" | sed 's/^/  Spark featurise, steady: /'

# The rates compared like for like: each tool's own count after its model is loaded (`lennonnet predict`'s
# progress line starts after the load; the Spark job's steady seconds include the executor's load, logged),
# and the job's warm tasks (begun with the model loaded) beside the one-process rate.
# usage: compare WHAT ONE_PROCESS_NAME ONE_PROCESS_RATE SPARK_LOG LOADED_WHAT LOAD_PATTERN
compare() {
  local what=$1 one_name=$2 one_rate=$3 log=$4 loaded=$5 pattern=$6 n secs load warm with without
  n=$(grep -ho "new images: [0-9]* in [0-9.]* s" "$log" | tail -1 | awk '{print $3}')
  secs=$(grep -ho "new images: [0-9]* in [0-9.]* s" "$log" | tail -1 | awk '{print $5}')
  load=$(grep -ho "$pattern loaded on this executor in [0-9.]* s" "$log" | head -1 | awk '{print $(NF-1)}')
  warm=$(grep -ho "warm tasks (begun with the model loaded): [0-9.]* images/s per task slot, [0-9.]* on" "$log" \
    | tail -1 | awk '{print $(NF-1)}')
  if [ -z "$one_rate" ] || [ -z "$secs" ] || [ -z "$load" ]; then
    return
  fi
  with=$(echo "$n / $secs" | bc -l)
  without=$(echo "$n / ($secs - $load)" | bc -l)
  printf '%s rate: %s %.1f images/s; Spark %.1f images/s with the executor'"'"'s %.1f s %s load (%.2fx), %.1f after it (%.2fx)\n' \
    "$what" "$one_name" "$one_rate" "$with" "$load" "$loaded" "$(echo "$with / $one_rate" | bc -l)" "$without" \
    "$(echo "$without / $one_rate" | bc -l)"
  if [ -n "$warm" ]; then
    printf '%s, warm tasks: Spark %.1f images/s against %s %.1f (%.2fx)\n' "$what" "$warm" "$one_name" "$one_rate" \
      "$(echo "$warm / $one_rate" | bc -l)"
  fi
}
one_rate=$(grep -ho "predict: $N/$N img in [0-9.]* s ([0-9.]* img/s)" "$WORK/single.log" | tail -1 | sed 's/.*(\([0-9.]*\) img\/s)/\1/')
train_rate=$(grep -ho "train features: [0-9]*/[0-9]* images computed, [0-9.]* images/s" "$WORK/train.log" | tail -1 | awk '{print $6}')
compare predict "one process" "$one_rate" "$WORK/spark-predict.log" model "lennonnet"
compare featurise "train's own" "$train_rate" "$WORK/spark-featurise.log" backbone "zip"
