package dev.dcsprov.inventory;

import java.net.URI;
import java.net.URISyntaxException;

/** An apt proxy URL may carry credentials (http://user:pass@host:port): they are a secret like any password. */
public final class ProxyUrl {
    private ProxyUrl() {
    }

    public static boolean hasCredentials(String url) {
        try {
            return new URI(url).getRawUserInfo() != null;
        } catch (URISyntaxException e) {
            return url.contains("@");
        }
    }

    /** The URL for messages: credentials replaced by {@code ***}. */
    public static String redacted(String url) {
        try {
            URI u = new URI(url);
            if (u.getRawUserInfo() == null) {
                return url;
            }
            return u.getScheme() + "://***@" + u.getRawAuthority().substring(u.getRawAuthority().lastIndexOf('@') + 1)
                    + (u.getRawPath() == null ? "" : u.getRawPath());
        } catch (URISyntaxException e) {
            int at = url.lastIndexOf('@');
            return at < 0 ? url : "***@" + url.substring(at + 1);
        }
    }
}
