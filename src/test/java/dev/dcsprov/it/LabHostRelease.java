package dev.dcsprov.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Removes the lab hosts an end-to-end class made once the class is done, so the suite does not
 * carry every finished class's etcd, PostgreSQL and Patroni along to the end: on a 2-core machine
 * that idle load slowed the later classes. Registered for every end-to-end class (failsafe enables
 * extension autodetection). A class that failed keeps its hosts for a look (lab/down at the end
 * removes them), as does every class with {@code -Ddcslab.keep=true}; the default lab (dcs-00..02,
 * which lab/up and lab/cluster bring up) always stays.
 */
public final class LabHostRelease implements AfterAllCallback, TestWatcher {
    /** Hosts by the end-to-end class that (re)created them. */
    private static final Map<String, Set<String>> MADE = new ConcurrentHashMap<>();
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    /** Records that the calling end-to-end class (found on the stack: the first class named *IT) made these hosts. */
    static void made(List<String> hosts) {
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.map(f -> f.getDeclaringClass()).filter(c -> c.getSimpleName().endsWith("IT")).findFirst())
                .ifPresent(c -> MADE.computeIfAbsent(c.getName(), k -> ConcurrentHashMap.newKeySet()).addAll(hosts));
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        context.getTestClass().ifPresent(c -> FAILED.add(c.getName()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String cls = context.getRequiredTestClass().getName();
        Set<String> hosts = new LinkedHashSet<>(Optional.ofNullable(MADE.remove(cls)).orElse(Set.of()));
        hosts.removeAll(Lab.HOSTS);
        boolean failed = FAILED.contains(cls) || context.getExecutionException().isPresent();
        if (hosts.isEmpty() || failed || Boolean.getBoolean("dcslab.keep")) {
            return;
        }
        Lab.release(new ArrayList<>(hosts));
    }
}
