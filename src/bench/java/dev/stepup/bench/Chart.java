package dev.stepup.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The bench's one chart, as SVG text: accepted step-ups a second against the number of
 * clients, one line per system. Client counts are spaced evenly (they grow by factors of
 * four), the rate axis starts at zero.
 */
final class Chart {

    private static final String[] COLOURS = {"#1b6ac9", "#6aa7f0", "#d9480f"};
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 190;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private final String title;
    private final int[] clients;
    private final Map<String, double[]> lines = new LinkedHashMap<>();

    Chart(String title, int[] clients) {
        this.title = title;
        this.clients = clients.clone();
    }

    /** A line: the rate at each client count, in the order given to the constructor. */
    Chart line(String name, double[] perSecond) {
        lines.put(name, perSecond.clone());
        return this;
    }

    String svg() {
        double max = lines.values().stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(1);
        double top = niceCeiling(max);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT))
                .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n")
                .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", LEFT, escape(title)));
        for (int tick = 0; tick <= 4; tick++) {
            double value = top * tick / 4;
            double y = TOP + plotHeight - plotHeight * tick / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, y, LEFT + plotWidth, y))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n",
                            LEFT - 6, y + 4, value));
        }
        for (int i = 0; i < clients.length; i++) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                    x(i, plotWidth), TOP + plotHeight + 18, clients[i]));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">clients</text>%n",
                        LEFT + plotWidth / 2, HEIGHT - 10))
                .append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">"
                        + "accepted step-ups a second</text>%n", TOP + plotHeight / 2, TOP + plotHeight / 2));
        int colour = 0;
        int ours = 0;
        for (Map.Entry<String, double[]> line : lines.entrySet()) {
            // StepUp's lines in blues (one shade per size), the other system's in orange.
            String stroke = line.getKey().startsWith("StepUp") ? COLOURS[ours++ % 2] : COLOURS[2];
            StringBuilder points = new StringBuilder();
            double[] rates = line.getValue();
            for (int i = 0; i < rates.length; i++) {
                double y = TOP + plotHeight - plotHeight * rates[i] / top;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i, plotWidth), y));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                        x(i, plotWidth), y, stroke));
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                            points.toString().trim(), stroke))
                    .append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                            WIDTH - RIGHT + 15, TOP + 10 + 20 * colour, WIDTH - RIGHT + 35, TOP + 10 + 20 * colour, stroke))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n",
                            WIDTH - RIGHT + 40, TOP + 14 + 20 * colour, escape(line.getKey())));
            colour++;
        }
        return svg.append("</svg>\n").toString();
    }

    private double x(int index, int plotWidth) {
        return clients.length == 1 ? LEFT + plotWidth / 2.0 : LEFT + plotWidth * index / (double) (clients.length - 1);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    private static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(Math.max(value, 1))));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
