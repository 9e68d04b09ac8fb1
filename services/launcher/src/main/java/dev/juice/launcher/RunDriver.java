package dev.juice.launcher;

import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.model.pipeline.PolicyLearner;
import dev.juice.model.pipeline.Round;
import dev.juice.policytrainer.PolicyTrainerService;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one run's pipeline on a stack: samplers, scorers and the reward-trainer as services in this
 * JVM, the policy-trainer on the calling thread, progress bars per phase and stage. Shared by
 * {@code juice run}, {@code juice replay} and {@code juice bench pipeline}.
 */
final class RunDriver {
  private RunDriver() {}

  /** One row of the summary: a phase or a round. */
  record Row(String phase, long version, double loss, int pairs, int dropped, double seconds) {}

  static String label(PipelineConfig c, Round r) {
    String stage = (c.algorithm().usesRewardModel() ? " round " : " stage ") + (r.stage() + 1) + "/" + c.stages();
    return c.algorithm().label() + (c.iterations() > 1 ? " iteration " + (r.iteration() + 1) + "/" + c.iterations() + "," : "") + stage;
  }

  record Outcome(PolicyTrainerService.Result result, List<Row> rows, double seconds) {}

  static Outcome run(LocalStack stack, String run, PipelineConfig c, int samplers, int scorers, String preset,
      boolean reuseSamples, boolean show) throws InterruptedException {
    long t0 = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    long[] phaseStart = {System.nanoTime()};
    long[] droppedTotal = {0};
    try (ProgressBars bars = new ProgressBars(show);
         Pipelines.Workers workers = Pipelines.startWorkers(stack.settings(), run, c, reuseSamples ? 0 : samplers,
             scorers, bars)) {
      PolicyTrainerService.Result r = Pipelines.train(Pipelines.trainerConfig(stack.settings(), run, c, preset, reuseSamples),
          bars, new PolicyTrainerService.Listener() {
            @Override
            public void onRound(Round round, long version, PolicyLearner.RoundResult result, int dropped, double seconds) {
              bars.policyVersion(version);
              droppedTotal[0] += dropped;
              bars.extra(", staleness <= " + c.maxStaleness() + ", stale dropped " + droppedTotal[0]);
              rows.add(new Row(label(c, round), version, result.loss(), result.pairs(), dropped, seconds));
            }

            @Override
            public void onPhase(String phase, long version) {
              if (phase.equals("sft-done")) {
                bars.close();
                bars.policyVersion(version);
                rows.add(new Row("sft", version, Double.NaN, 0, 0, (System.nanoTime() - phaseStart[0]) / 1e9));
              } else {
                phaseStart[0] = System.nanoTime();
              }
            }
          });
      return new Outcome(r, rows, (System.nanoTime() - t0) / 1e9);
    }
  }
}
