package dev.dcsprov.pki;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What an etcd member's certificate must say. The member name is the subject CN and the file
 * name under {@code hosts/}; the SANs are what clients and peers dial.
 *
 * @param memberName  etcd member name; letters, digits, '.', '_' and '-' (it names files)
 * @param dnsNames    DNS SANs (compared case-insensitively; "*.example.org" allowed)
 * @param ipAddresses IP SANs as IPv4 or IPv6 literals (compared by value, so "::1" equals "0::1")
 * @param days        validity from now
 * @param keyAlgorithm key type of the member's key
 */
public record HostCertificateRequest(
        String memberName,
        List<String> dnsNames,
        List<String> ipAddresses,
        int days,
        KeyAlgorithm keyAlgorithm) {

    private static final Pattern FILE_SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");

    public HostCertificateRequest {
        requireFileSafeName("member", memberName);
        dnsNames = List.copyOf(Objects.requireNonNull(dnsNames, "dnsNames"));
        ipAddresses = List.copyOf(Objects.requireNonNull(ipAddresses, "ipAddresses"));
        for (String dns : dnsNames) {
            if (dns.length() > 253 || !DNS_NAME.matcher(dns).matches()) {
                throw new IllegalArgumentException("not a valid DNS name for a certificate: '" + dns + "'");
            }
        }
        for (String ip : ipAddresses) {
            if (!IpLiteral.isValid(ip)) {
                throw new IllegalArgumentException("not an IPv4 or IPv6 address: '" + ip + "'");
            }
        }
        if (days <= 0) {
            throw new IllegalArgumentException("certificate validity must be at least one day, got " + days);
        }
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
    }

    /** Sorts mixed SANs (as in {@code etcd_extra_sans}) into IPs and DNS names. */
    public static HostCertificateRequest of(String memberName, List<String> sans, int days, KeyAlgorithm keyAlgorithm) {
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String san : sans) {
            (IpLiteral.isValid(san) ? ips : dns).add(san);
        }
        return new HostCertificateRequest(memberName, dns, ips, days, keyAlgorithm);
    }

    /** SANs as "dns:name" and "ip:address" in canonical form, for order-insensitive comparison. */
    public SortedSet<String> sanSet() {
        return sanSet(dnsNames, ipAddresses);
    }

    static SortedSet<String> sanSet(List<String> dnsNames, List<String> ipAddresses) {
        SortedSet<String> set = new TreeSet<>();
        for (String dns : dnsNames) {
            set.add("dns:" + canonicalDns(dns));
        }
        for (String ip : ipAddresses) {
            set.add("ip:" + (IpLiteral.isValid(ip) ? IpLiteral.normalize(ip) : ip));
        }
        return set;
    }

    /** DNS names in the form written to the certificate: lower case, no trailing dot, no duplicates. */
    List<String> canonicalDnsNames() {
        return dnsNames.stream().map(HostCertificateRequest::canonicalDns).distinct().toList();
    }

    List<String> canonicalIpAddresses() {
        return ipAddresses.stream().map(IpLiteral::normalize).distinct().toList();
    }

    private static String canonicalDns(String dns) {
        String lower = dns.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** True when {@code name} can name a certificate file in the PKI dir (and so a client certificate). */
    public static boolean fileSafeName(String name) {
        return name != null && FILE_SAFE_NAME.matcher(name).matches();
    }

    static void requireFileSafeName(String kind, String name) {
        if (!fileSafeName(name)) {
            throw new IllegalArgumentException(kind + " name must be letters, digits, '.', '_' or '-' "
                    + "and not start with '.', '_' or '-': '" + name + "'");
        }
    }
}
