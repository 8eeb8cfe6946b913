package net.lennonnet.data.scrape;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a {@link Scraper} run, also written as {@code scrape-report.json}.
 *
 * @param kept           images kept per folder, earlier runs included
 * @param keptThisRun    images kept by this run
 * @param duplicates     downloads whose bytes were already in their folder (this run)
 * @param rejected       downloads that were not usable images, by reason (this run)
 * @param failed         URLs that could not be downloaded, by reason (this run)
 * @param searchFailures queries no engine answered, with the reason
 * @param shortfalls     queries that ended with fewer images than asked: "folder / query: kept of asked"
 * @param seconds        wall time of this run
 */
public record ScrapeReport(Map<String, Integer> kept, int keptThisRun, int duplicates, Map<String, Integer> rejected,
        Map<String, Integer> failed, List<String> searchFailures, List<String> shortfalls, double seconds) {

    /** One line for a terminal. */
    public String summary() {
        return String.format("kept %d this run (%s in all); %d duplicates; rejected %s; failed %s; "
                + "%d queries unanswered; %d queries short; %.1f s", keptThisRun, kept, duplicates, rejected, failed,
                searchFailures.size(), shortfalls.size(), seconds);
    }
}
