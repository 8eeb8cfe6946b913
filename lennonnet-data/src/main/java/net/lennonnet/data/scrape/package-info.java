/** Web to raw images: image search (DuckDuckGo, Bing), polite requests, guarded downloads, the scrape manifest. */
package net.lennonnet.data.scrape;
