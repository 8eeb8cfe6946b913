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
# progress line starts after the load; the Spark job's steady seconds include the executor's load, logged).
one_rate=$(grep -ho "predict: $N/$N img in [0-9.]* s ([0-9.]* img/s)" "$WORK/single.log" | tail -1 | sed 's/.*(\([0-9.]*\) img\/s)/\1/')
spark_secs=$(grep -ho "new images: [0-9]* in [0-9.]* s" "$WORK/spark-predict.log" | tail -1 | awk '{print $5}')
load_secs=$(grep -ho "lennonnet loaded on this executor in [0-9.]* s" "$WORK/spark-predict.log" | head -1 | awk '{print $7}')
if [ -n "$one_rate" ] && [ -n "$spark_secs" ] && [ -n "$load_secs" ]; then
  with=$(echo "$N / $spark_secs" | bc -l)
  without=$(echo "$N / ($spark_secs - $load_secs)" | bc -l)
  printf 'predict rate: one process %.1f images/s; Spark %.1f images/s with the executor'"'"'s %.1f s model load (%.2fx), %.1f after it (%.2fx)\n' \
    "$one_rate" "$with" "$load_secs" "$(echo "$with / $one_rate" | bc -l)" "$without" "$(echo "$without / $one_rate" | bc -l)"
fi
train_rate=$(grep -ho "train features: [0-9]*/[0-9]* images computed, [0-9.]* images/s" "$WORK/train.log" | tail -1 | awk '{print $6}')
feat_n=$(grep -ho "new images: [0-9]* in [0-9.]* s" "$WORK/spark-featurise.log" | tail -1 | awk '{print $3}')
feat_secs=$(grep -ho "new images: [0-9]* in [0-9.]* s" "$WORK/spark-featurise.log" | tail -1 | awk '{print $5}')
feat_load=$(grep -ho "zip loaded on this executor in [0-9.]* s" "$WORK/spark-featurise.log" | head -1 | awk '{print $7}')
if [ -n "$train_rate" ] && [ -n "$feat_secs" ] && [ -n "$feat_load" ]; then
  with=$(echo "$feat_n / $feat_secs" | bc -l)
  without=$(echo "$feat_n / ($feat_secs - $feat_load)" | bc -l)
  printf 'featurise rate: train'"'"'s own %.1f images/s; Spark %.1f images/s with the executor'"'"'s %.1f s backbone load (%.2fx), %.1f after it (%.2fx)\n' \
    "$train_rate" "$with" "$feat_load" "$(echo "$with / $train_rate" | bc -l)" "$without" "$(echo "$without / $train_rate" | bc -l)"
fi
# The tasks that began with the model loaded, per task slot times the slots: the rate without the job's fixed costs
warm=$(grep -ho "warm tasks (begun with the model loaded): [0-9.]* images/s per task slot, [0-9.]* on" "$WORK/spark-predict.log" | tail -1 | awk '{print $(NF-1)}')
if [ -n "$one_rate" ] && [ -n "$warm" ]; then
  printf 'predict, warm tasks: Spark %.1f images/s against one process %.1f (%.2fx)\n' "$warm" "$one_rate" "$(echo "$warm / $one_rate" | bc -l)"
fi
warm=$(grep -ho "warm tasks (begun with the model loaded): [0-9.]* images/s per task slot, [0-9.]* on" "$WORK/spark-featurise.log" | tail -1 | awk '{print $(NF-1)}')
if [ -n "$train_rate" ] && [ -n "$warm" ]; then
  printf 'featurise, warm tasks: Spark %.1f images/s against train'"'"'s own %.1f (%.2fx)\n' "$warm" "$train_rate" "$(echo "$warm / $train_rate" | bc -l)"
fi
