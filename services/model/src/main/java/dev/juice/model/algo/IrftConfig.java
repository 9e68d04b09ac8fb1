package dev.juice.model.algo;

/**
 * IRFT (Li et al. 2024, Alg. 2); T = 1 is SPIN iteration 0.
 *
 * @param beta β of the implicit reward β·log π/π_ref (papers: 0.1)
 * @param stages T: the prompts are split into T stages (papers: 5)
 * @param generationsPerPrompt ỹ per prompt per stage (papers: 1)
 * @param hinge hinge loss instead of the default sigmoid (logistic) loss
 * @param maxNewTokens generation length limit
 * @param temperature sampling temperature of ỹ (papers: 1.0)
 * @param train epochs per stage, batch (pairs), learning rate, seed
 */
public record IrftConfig(double beta, int stages, int generationsPerPrompt, boolean hinge, int maxNewTokens,
    float temperature, TrainConfig train) {
  public static IrftConfig defaults(long seed) {
    return new IrftConfig(0.1, 5, 1, false, 80, 1.0f, new TrainConfig(2, 16, 1e-4f, 0f, 1f, seed));
  }

  public IrftConfig withBeta(double b) {
    return new IrftConfig(b, stages, generationsPerPrompt, hinge, maxNewTokens, temperature, train);
  }

  public IrftConfig withMaxNewTokens(int n) {
    return new IrftConfig(beta, stages, generationsPerPrompt, hinge, n, temperature, train);
  }

  public IrftConfig withStages(int t) {
    return new IrftConfig(beta, t, generationsPerPrompt, hinge, maxNewTokens, temperature, train);
  }
}
