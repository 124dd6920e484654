package io.gmtls.pki.console;

import io.gmtls.pki.core.FleetReport.DayCount;
import java.util.List;
import java.util.Locale;
import org.springframework.web.util.HtmlUtils;

/**
 * Issuances and revocations per day as an inline SVG bar chart, drawn on the server: no script library
 * and no CDN, so the console works offline and the picture is in the page the tests load.
 */
final class DailyChart {

    private static final int WIDTH = 1100;
    private static final int HEIGHT = 240;
    private static final int LEFT = 40;
    private static final int BOTTOM = 30;
    private static final int TOP = 24;

    private DailyChart() {
    }

    /** The chart; {@code issuedLabel}/{@code revokedLabel} name the series (escaped here). */
    static String svg(List<DayCount> days, String issuedLabel, String revokedLabel, String title) {
        long max = 1;
        for (DayCount d : days) {
            max = Math.max(max, Math.max(d.issued(), d.revoked()));
        }
        long top = niceCeiling(max);
        double plotHeight = HEIGHT - BOTTOM - TOP;
        double slot = (WIDTH - LEFT - 10) / (double) Math.max(1, days.size());
        double bar = Math.max(2, slot * 0.36);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", WIDTH, HEIGHT, HtmlUtils.htmlEscape(title)));
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotHeight - plotHeight * i / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>",
                    LEFT, y, WIDTH - 5, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%d</text>",
                    LEFT - 6, y + 4, top * i / 4));
        }
        for (int i = 0; i < days.size(); i++) {
            DayCount d = days.get(i);
            double x = LEFT + slot * i + (slot - 2 * bar) / 2;
            appendBar(s, x, bar, d.issued(), top, plotHeight, "issued", d.day() + " " + issuedLabel);
            appendBar(s, x + bar, bar, d.revoked(), top, plotHeight, "revoked", d.day() + " " + revokedLabel);
            if (days.size() <= 16 || i % Math.max(1, days.size() / 8) == 0 || i == days.size() - 1) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>",
                        LEFT + slot * i + slot / 2, HEIGHT - 10, d.day().toString().substring(5)));
            }
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"6\" width=\"10\" height=\"10\" class=\"issued\"/>"
                + "<text x=\"%d\" y=\"15\" class=\"legend\">%s</text>", LEFT, LEFT + 14, HtmlUtils.htmlEscape(issuedLabel)));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"6\" width=\"10\" height=\"10\" class=\"revoked\"/>"
                + "<text x=\"%d\" y=\"15\" class=\"legend\">%s</text>", LEFT + 130, LEFT + 144,
                HtmlUtils.htmlEscape(revokedLabel)));
        s.append("</svg>");
        return s.toString();
    }

    private static void appendBar(StringBuilder s, double x, double width, long value, long top, double plotHeight,
            String cls, String label) {
        double h = plotHeight * value / top;
        double y = TOP + plotHeight - h;
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"%s\">"
                + "<title>%s: %d</title></rect>", x, y, width, Math.max(h, value > 0 ? 1 : 0), cls,
                HtmlUtils.htmlEscape(label), value));
    }

    /** The smallest of 1, 2, 5 × 10^n at or above max, divisible into four grid steps. */
    static long niceCeiling(long max) {
        long base = 1;
        while (true) {
            for (long m : new long[] {4, 8, 20}) {
                if (m * base >= max) {
                    return m * base;
                }
            }
            base *= 10;
        }
    }
}
