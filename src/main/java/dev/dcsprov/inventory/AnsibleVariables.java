package dev.dcsprov.inventory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What dcsprov does with each {@code ansible_*} variable, as data: honoured (with Ansible's aliases, the first
 * listed winning as in Ansible's MAGIC_VARIABLE_MAPPING), ignored with a warning, or refused because ignoring it
 * would connect somewhere else or as someone else. Value-dependent cases (ansible_connection, become_user,
 * become_method, ssh args) are decided in {@link ConnectionVars}.
 */
final class AnsibleVariables {
    /** Ansible's aliases of each connection setting dcsprov honours; the first one set wins, as in Ansible. */
    static final List<String> ADDRESS = List.of("ansible_ssh_host", "ansible_host");
    static final List<String> PORT = List.of("ansible_ssh_port", "ansible_port");
    static final List<String> USER = List.of("ansible_ssh_user", "ansible_user");
    static final List<String> KEY = List.of("ansible_ssh_private_key_file", "ansible_private_key_file");
    static final List<String> BECOME_USER = List.of("ansible_become_user", "ansible_sudo_user", "ansible_su_user");
    static final List<String> PASSWORD = List.of("ansible_ssh_pass", "ansible_password", "ansible_ssh_password");

    /** Read by {@link ConnectionVars} itself (honoured, or refused depending on the value). */
    static final Set<String> HONOURED = Set.of("ansible_ssh_host", "ansible_host", "ansible_ssh_port", "ansible_port",
            "ansible_ssh_user", "ansible_user", "ansible_ssh_private_key_file", "ansible_private_key_file",
            "ansible_become", "ansible_become_user", "ansible_sudo_user", "ansible_su_user", "ansible_become_method",
            "ansible_connection", "ansible_ssh_common_args", "ansible_ssh_extra_args", "ansible_ssh_args",
            "ansible_ssh_pass", "ansible_password", "ansible_ssh_password",
            // Ansible's own: it sets the merge order of groups, which dcsprov does as Ansible does.
            "ansible_group_priority");

    /** Ignored, with why: none of these can change where or as whom dcsprov connects. */
    private static final Map<String, String> IGNORED = new LinkedHashMap<>();

    static {
        String sudo = "dcsprov runs 'sudo -n' (passwordless); give the SSH user passwordless sudo for the commands dcsprov runs";
        for (String n : List.of("ansible_become_password", "ansible_become_pass", "ansible_sudo_pass", "ansible_sudo_password",
                "ansible_su_pass", "ansible_su_password")) {
            IGNORED.put(n, "not used: " + sudo);
        }
        for (String n : List.of("ansible_become_exe", "ansible_become_flags", "ansible_sudo_exe", "ansible_sudo_flags",
                "ansible_su_exe", "ansible_su_flags")) {
            IGNORED.put(n, "not used: dcsprov always runs 'sudo -n'");
        }
        for (String n : List.of("ansible_python_interpreter", "ansible_shell_type", "ansible_shell_executable",
                "ansible_module_compression", "ansible_pipelining", "ansible_ssh_pipelining")) {
            IGNORED.put(n, "not used: dcsprov runs shell commands over SSH, no Python modules");
        }
        for (String n : List.of("ansible_timeout", "ansible_ssh_timeout", "ansible_ssh_retries")) {
            IGNORED.put(n, "not used: dcsprov's SSH timeouts are its own");
        }
        for (String n : List.of("ansible_ssh_executable", "ansible_ssh_transfer_method", "ansible_scp_extra_args",
                "ansible_sftp_extra_args", "ansible_scp_if_ssh", "ansible_sftp_batch_mode")) {
            IGNORED.put(n, "not used: dcsprov has its own SSH client and sends files over the SSH session");
        }
        for (String n : List.of("ansible_host_key_checking", "ansible_ssh_host_key_checking")) {
            IGNORED.put(n, "not used: dcsprov always verifies host keys (--accept-new-host-keys records unknown ones)");
        }
        IGNORED.put("ansible_sudo", "not used (Ansible 2.14 ignores it too): write ansible_become");
        IGNORED.put("ansible_su", "not used (Ansible 2.14 ignores it too): write ansible_become with ansible_become_method");
    }

    private AnsibleVariables() {
    }

    static boolean isAnsible(String name) {
        return name.startsWith("ansible_");
    }

    /** Why dcsprov ignores a variable it does not read; a did-you-mean when it looks like one it honours. */
    static Optional<String> ignoredBecause(String name) {
        if (!isAnsible(name) || HONOURED.contains(name)) {
            return Optional.empty();
        }
        String known = IGNORED.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        return Optional.of("not used by dcsprov" + Suggestions.hint(name, HONOURED.stream().sorted().toList()));
    }
}
