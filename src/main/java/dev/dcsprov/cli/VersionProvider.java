package dev.dcsprov.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Reads the version Maven stamped into the jar. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dcsprov-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"dcsprov " + p.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version")};
    }
}
