package dev.dcsprov.render;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.EtcdTuning;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.core.InvalidReferenceException;
import freemarker.core.ParseException;
import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import freemarker.template.TemplateNotFoundException;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders {@code etcd.ftl} into the EnvironmentFile that Debian's etcd.service reads.
 *
 * <p>Templates come from the user's template directory first ({@code dcsprov_template_dir}),
 * then from {@code /templates/} on the classpath, so a user may override just the files they need.
 *
 * <p>The data model (the contract for user templates; all strings, lists of strings or numbers):
 * <pre>
 * cluster.name, cluster.token, cluster.dataDir, cluster.certDir, cluster.configFile,
 *         cluster.clientPort, cluster.peerPort
 * member.name (etcd member name), member.host (inventory name), member.advertiseAddress,
 *         member.listenAddresses (list)
 * listenPeerUrls, listenClientUrls, advertiseClientUrls, initialAdvertisePeerUrls  (lists)
 * listenMetricsUrls (list; empty unless etcd_metrics_port is set: http:// on the client listen addresses)
 * initialCluster, initialClusterState
 * tls.serverCert, tls.serverKey, tls.caCert
 * tuning.heartbeatIntervalMs, tuning.electionTimeoutMs, tuning.quotaBackendBytes,
 *         tuning.autoCompactionMode, tuning.autoCompactionRetention, tuning.snapshotCount
 * </pre>
 */
public class EtcdConfigRenderer {
    public static final String TEMPLATE = "etcd.ftl";
    static final String CLASSPATH_DIR = "/templates";

    private final Optional<Path> templateDir;
    private final Configuration freemarker;

    public EtcdConfigRenderer(Optional<Path> templateDir) {
        this(templateDir, EtcdConfigRenderer.class.getClassLoader());
    }

    /** With an explicit class loader for the bundled templates, so tests can point it at the repository's templates/. */
    EtcdConfigRenderer(Optional<Path> templateDir, ClassLoader bundled) {
        this.templateDir = templateDir;
        this.freemarker = configuration(loader(templateDir, bundled));
    }

    /**
     * @param initialCluster      ETCD_INITIAL_CLUSTER, usually {@link Inventory#initialCluster()}; membership
     *                            changes pass the list etcd returned from {@code member add}
     * @param initialClusterState "new" when bootstrapping the cluster, "existing" when joining one
     */
    public String render(Inventory inv, Host member, String initialCluster, String initialClusterState) {
        if (!initialClusterState.equals("new") && !initialClusterState.equals("existing")) {
            throw new IllegalArgumentException("initialClusterState must be new or existing: " + initialClusterState);
        }
        Map<String, Object> model = model(inv.cluster(), member, initialCluster, initialClusterState);
        EnvFileCheck.checkValues("", model);
        String text = process(TEMPLATE, model);
        EnvFileCheck.check(text, describe(TEMPLATE));
        return text;
    }

    static Map<String, Object> model(ClusterSettings c, Host member, String initialCluster, String state) {
        RemotePaths paths = RemotePaths.of(c);

        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("name", c.name());
        cluster.put("token", c.token());
        cluster.put("dataDir", c.dataDir());
        cluster.put("certDir", paths.certDir());
        cluster.put("configFile", c.configFile());
        cluster.put("clientPort", c.clientPort());
        cluster.put("peerPort", c.peerPort());

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", member.memberName());
        m.put("host", member.name());
        m.put("advertiseAddress", member.advertiseAddress());
        m.put("listenAddresses", List.copyOf(member.listenAddresses()));

        Map<String, Object> tls = new LinkedHashMap<>();
        tls.put("serverCert", paths.serverCert());
        tls.put("serverKey", paths.serverKey());
        tls.put("caCert", paths.caCert());

        EtcdTuning t = c.tuning();
        Map<String, Object> tuning = new LinkedHashMap<>();
        tuning.put("heartbeatIntervalMs", t.heartbeatIntervalMs());
        tuning.put("electionTimeoutMs", t.electionTimeoutMs());
        tuning.put("quotaBackendBytes", t.quotaBackendBytes());
        tuning.put("autoCompactionMode", t.autoCompactionMode());
        tuning.put("autoCompactionRetention", t.autoCompactionRetention());
        tuning.put("snapshotCount", t.snapshotCount());

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("cluster", cluster);
        model.put("member", m);
        model.put("listenPeerUrls", urls(member.listenAddresses(), c.peerPort()));
        model.put("listenClientUrls", listenClientUrls(member.listenAddresses(), c.clientPort()));
        model.put("listenMetricsUrls", t.metricsPort().isPresent()
                ? listenMetricsUrls(member.listenAddresses(), t.metricsPort().getAsInt()) : List.of());
        model.put("advertiseClientUrls", List.of(member.clientUrl(c)));
        model.put("initialAdvertisePeerUrls", List.of(member.peerUrl(c)));
        model.put("initialCluster", initialCluster);
        model.put("initialClusterState", state);
        model.put("tls", tls);
        model.put("tuning", tuning);
        return model;
    }

    /**
     * The listen addresses plus loopback, so etcdctl and Patroni on the member can always use
     * https://127.0.0.1. Not with a wildcard address: it already covers loopback, and binding
     * 127.0.0.1 on the same port next to it fails with "address already in use".
     */
    static List<String> listenClientUrls(List<String> addresses, int port) {
        Set<String> all = new LinkedHashSet<>(addresses);
        boolean wildcard = addresses.stream().anyMatch(a -> a.equals("0.0.0.0") || a.equals("::"));
        if (!wildcard) {
            all.add("127.0.0.1");
        }
        return urls(List.copyOf(all), port);
    }

    /** Where the clients are served (loopback included, for a local agent), but plain HTTP: etcd's metrics listener takes no TLS options of its own. */
    static List<String> listenMetricsUrls(List<String> addresses, int port) {
        return listenClientUrls(addresses, port).stream().map(u -> "http://" + u.substring("https://".length())).toList();
    }

    private static List<String> urls(List<String> addresses, int port) {
        List<String> urls = new ArrayList<>();
        for (String a : new LinkedHashSet<>(addresses)) {
            urls.add(httpsUrl(a, port));
        }
        return List.copyOf(urls);
    }

    /** Like Host's own URLs: IPv6 literals in brackets; a zone (fe80::1%eth0) must be escaped as %25 for Go's url.Parse. */
    static String httpsUrl(String address, int port) {
        String host = address.contains(":") ? "[" + address.replace("%", "%25") + "]" : address;
        return "https://" + host + ":" + port;
    }

    private String process(String name, Map<String, Object> model) {
        try {
            Template template = freemarker.getTemplate(name);
            StringWriter out = new StringWriter();
            template.process(model, out);
            return out.toString();
        } catch (TemplateNotFoundException e) {
            throw new DcsprovException(ExitCode.FAILED, "The bundled template " + name + " is missing",
                    "Neither " + templateDir.map(d -> d.resolve(name).toString() + " nor ").orElse("")
                            + "the classpath resource " + CLASSPATH_DIR + "/" + name + " exists.",
                    "Rebuild dcsprov so that templates/ is packaged, or set dcsprov_template_dir to a directory with "
                            + name + ".", e);
        } catch (InvalidReferenceException e) {
            throw new DcsprovException(ExitCode.INVENTORY,
                    where(e.getTemplateSourceName(), e.getLineNumber()) + ": " + e.getBlamedExpressionString()
                            + " is not defined",
                    "The template refers to a value that dcsprov does not provide. Available: "
                            + String.join(", ", modelNames(model)) + ".",
                    "Fix the template, or use ${name!\"default\"} for optional values.", e);
        } catch (ParseException e) {
            throw new DcsprovException(ExitCode.INVENTORY,
                    where(e.getTemplateName(), e.getLineNumber()) + ": template syntax error",
                    e.getEditorMessage(), "Fix the template; see https://freemarker.apache.org/docs/.", e);
        } catch (TemplateException e) {
            throw new DcsprovException(ExitCode.INVENTORY,
                    where(e.getTemplateSourceName(), e.getLineNumber()) + ": template failed",
                    e.getMessageWithoutStackTop(), "Fix the template.", e);
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.INVENTORY, "Cannot read template " + describe(name),
                    e.toString(), "Check dcsprov_template_dir and the file's permissions.", e);
        }
    }

    private String where(String sourceName, Integer line) {
        String file = describe(sourceName == null ? TEMPLATE : sourceName);
        return line == null ? file : file + ":" + line;
    }

    /** The file a person would open: the user's copy if there is one, else the bundled resource. */
    String describe(String name) {
        return templateDir.map(d -> d.resolve(name)).filter(Files::isRegularFile).map(Path::toString)
                .orElse("classpath:" + CLASSPATH_DIR + "/" + name);
    }

    private static List<String> modelNames(Map<String, Object> model) {
        List<String> names = new ArrayList<>();
        model.forEach((k, v) -> {
            if (v instanceof Map<?, ?> sub) {
                sub.keySet().forEach(s -> names.add(k + "." + s));
            } else {
                names.add(k);
            }
        });
        return names;
    }

    private static TemplateLoader loader(Optional<Path> templateDir, ClassLoader bundled) {
        TemplateLoader classpath = new ClassTemplateLoader(bundled, CLASSPATH_DIR.substring(1));
        if (templateDir.isEmpty()) {
            return classpath;
        }
        Path dir = templateDir.get();
        try {
            // allowLinking: a symlinked etcd.ftl must be used, not silently skipped in favour of the bundled one.
            return new MultiTemplateLoader(new TemplateLoader[]{new FileTemplateLoader(dir.toFile(), true), classpath});
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.INVENTORY, "Template directory " + dir + " is not usable",
                    e.getMessage(), "Set dcsprov_template_dir to an existing directory, or remove it to use the "
                    + "bundled templates.", e);
        }
    }

    private static Configuration configuration(TemplateLoader loader) {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        cfg.setTemplateLoader(loader);
        cfg.setDefaultEncoding(StandardCharsets.UTF_8.name());
        cfg.setOutputEncoding(StandardCharsets.UTF_8.name());
        // Output must not depend on the workstation: no locale digits, no grouping (2147483648, never 2,147,483,648).
        cfg.setLocale(Locale.ROOT);
        cfg.setNumberFormat("computer");
        cfg.setBooleanFormat("c");
        // Strict: a missing value is an error, never an empty string in a config file.
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        // User templates are configuration, not code: no ?new, no ?api into Java objects.
        cfg.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        cfg.setAPIBuiltinEnabled(false);
        return cfg;
    }
}
