# syntax=docker/dockerfile:1.7
# One image per Juice service, from one multi-stage build:
#   docker build --target sampler -t juice/sampler:0.1.0 .
# Targets: ingest, sampler, scorer, policy-trainer, reward-trainer, evaluator, registry, juice (the CLI).
# Base images are pinned to an exact release; pin the digest too (`image@sha256:…`) in your registry.
# Checked statically by ContainerDefinitionsTest (no engine needed); built and run by *ContainerIT
# where Docker exists.

ARG JDK_IMAGE=eclipse-temurin:17.0.13_11-jdk-jammy
ARG JRE_IMAGE=eclipse-temurin:17.0.13_11-jre-jammy

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY schemas schemas
COPY services services
# every service gets its module jar and its runtime dependencies, without the 111 MB PyTorch jar:
# libtorch is extracted once below and found through PYTORCH_LIBRARY_PATH
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -DskipTests package \
 && for m in ingest sampler scorer policy-trainer reward-trainer evaluator schema-registry launcher; do \
      mkdir -p /out/$m/lib \
      && cp services/$m/target/$m-*.jar /out/$m/lib/ \
      && ./mvnw -B -ntp -q -pl services/$m dependency:copy-dependencies -DincludeScope=runtime \
           -DexcludeArtifactIds=pytorch-native-cpu -DoutputDirectory=/out/$m/lib || exit 1; \
    done \
 && ./mvnw -B -ntp -q -pl services/model dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/engine \
 && cp services/model/target/model-*.jar /out/engine/
# DJL offline: load the engine once with the native jar so libtorch is extracted at build time
RUN java -Dai.djl.offline=true -DDJL_CACHE_DIR=/tmp/djl -cp "/out/engine/*" dev.juice.model.Engines \
 && mv /tmp/djl/pytorch/2.7.1-*-cpu-linux-x86_64 /opt/libtorch

FROM ${JRE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 juice \
 && useradd --system --uid 10001 --gid juice --home-dir /app --shell /usr/sbin/nologin juice \
 && mkdir -p /app /data /blobs && chown juice:juice /app /data /blobs
COPY --from=build --chown=10001:10001 /opt/libtorch /opt/libtorch
# MaxRAMPercentage sizes the heap from the container's memory limit; DJL's tensors live off-heap
# (libtorch), so the heap gets half and the rest is left to native memory
ENV PYTORCH_LIBRARY_PATH=/opt/libtorch \
    DJL_CACHE_DIR=/data/djl \
    DJL_OFFLINE=true \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=10 -XX:+ExitOnOutOfMemoryError -Dai.djl.offline=true" \
    MALLOC_MMAP_THRESHOLD_=268435456 \
    MALLOC_TRIM_THRESHOLD_=4294967295 \
    MALLOC_TOP_PAD_=268435456 \
    JUICE_HTTP_PORT=8080
USER 10001:10001
WORKDIR /app
EXPOSE 8080
# /health answers without curl: bash's /dev/tcp (compose healthchecks use the same line)
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${JUICE_HTTP_PORT} && printf 'GET /health/live HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200'"]
ENTRYPOINT ["sh", "-c", "exec java -cp '/app/lib/*' \"$JUICE_MAIN\" \"$@\"", "juice"]

FROM runtime AS ingest
COPY --from=build --chown=10001:10001 /out/ingest/lib /app/lib
ENV JUICE_MAIN=dev.juice.ingest.IngestService JUICE_STATE_DIR=/data/streams

FROM runtime AS sampler
COPY --from=build --chown=10001:10001 /out/sampler/lib /app/lib
ENV JUICE_MAIN=dev.juice.sampler.SamplerService

FROM runtime AS scorer
COPY --from=build --chown=10001:10001 /out/scorer/lib /app/lib
ENV JUICE_MAIN=dev.juice.scorer.ScorerService

FROM runtime AS policy-trainer
COPY --from=build --chown=10001:10001 /out/policy-trainer/lib /app/lib
ENV JUICE_MAIN=dev.juice.policytrainer.PolicyTrainerService

FROM runtime AS reward-trainer
COPY --from=build --chown=10001:10001 /out/reward-trainer/lib /app/lib
ENV JUICE_MAIN=dev.juice.rewardtrainer.RewardTrainerService

FROM runtime AS evaluator
COPY --from=build --chown=10001:10001 /out/evaluator/lib /app/lib
ENV JUICE_MAIN=dev.juice.evaluator.EvaluatorService JUICE_EVAL_REPORT=/data/eval

FROM runtime AS registry
COPY --from=build --chown=10001:10001 /out/schema-registry/lib /app/lib
ENV JUICE_MAIN=dev.juice.schemaregistry.SchemaRegistryMain JUICE_REGISTRY_HOST=0.0.0.0 JUICE_REGISTRY_PORT=8081
EXPOSE 8081

# the CLI: topic-init and the experiment driver of compose.yaml (`juice topics`, `juice run --external-services`)
FROM runtime AS juice
COPY --from=build --chown=10001:10001 /out/launcher/lib /app/lib
ENV JUICE_MAIN=dev.juice.launcher.Juice JUICE_HTTP_PORT=-1
HEALTHCHECK NONE
