package dev.juice.evaluator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG plots of evaluation results, drawn with JFreeChart (headless). */
public final class Plots {
  private Plots() {}

  /** One evaluated model: label, sampled KL to its reference, mean gold reward. */
  public record Point(String label, double kl, double gold) {}

  /** Mean gold reward per method (bars). */
  public static void goldByMethod(Path file, List<Point> points) {
    DefaultCategoryDataset d = new DefaultCategoryDataset();
    for (Point p : points) d.addValue(p.gold(), "gold reward", p.label());
    JFreeChart chart = ChartFactory.createBarChart("Mean gold reward (VADER) on held-out prompts", "method",
        "gold reward", d, PlotOrientation.HORIZONTAL, false, false, false);
    save(file, chart, 900, 120 + 28 * points.size());
  }

  /** Gold reward against sampled KL to the reference: the reward–KL frontier. */
  public static void rewardVsKl(Path file, List<Point> points) {
    XYSeriesCollection c = new XYSeriesCollection();
    for (Point p : points) {
      XYSeries s = new XYSeries(p.label(), false, true);
      s.add(p.kl(), p.gold());
      c.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createScatterPlot("Gold reward vs KL to the reference", "sampled KL(π‖π_ref), nats",
        "gold reward", c, PlotOrientation.VERTICAL, true, false, false);
    save(file, chart, 900, 600);
  }

  /** A line per series over x = 1..n (e.g. gold reward per version). */
  public static void lines(Path file, String title, String xLabel, String yLabel, java.util.Map<String, double[]> series) {
    lines(file, title, xLabel, yLabel, series, 1);
  }

  /** A line per series over x = firstX, firstX + 1, … (e.g. gold reward per round from 0 = SFT, SER accuracy per loop). */
  public static void lines(Path file, String title, String xLabel, String yLabel, java.util.Map<String, double[]> series,
      int firstX) {
    XYSeriesCollection c = new XYSeriesCollection();
    series.forEach((name, ys) -> {
      XYSeries s = new XYSeries(name);
      for (int i = 0; i < ys.length; i++) s.add(firstX + i, ys[i]);
      c.addSeries(s);
    });
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, c, PlotOrientation.VERTICAL, true, false, false);
    var plot = chart.getXYPlot();
    // rounds and loops are whole numbers; the differences that matter are small next to the values
    plot.getDomainAxis().setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
    ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    var shapes = new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(true, true);
    plot.setRenderer(shapes);
    save(file, chart, 900, 600);
  }

  private static void save(Path file, JFreeChart chart, int w, int h) {
    System.setProperty("java.awt.headless", "true");
    try {
      ChartUtils.saveChartAsPNG(file.toFile(), chart, w, h);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
