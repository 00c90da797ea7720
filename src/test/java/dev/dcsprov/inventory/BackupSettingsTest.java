package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.dcsprov.inventory.Fixtures.at;
import static dev.dcsprov.inventory.Fixtures.fail;
import static dev.dcsprov.inventory.Fixtures.load;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BackupSettingsTest {

    @Test
    void defaultsKeepSevenBesideTheInventoryAndScheduleNothing() {
        BackupSettings b = load("lab.yml").cluster().backup();
        assertEquals(Fixtures.DIR.toAbsolutePath().normalize().resolve("backups/dcs"), b.localDir().toAbsolutePath().normalize());
        assertEquals(7, b.keep());
        assertEquals(Optional.empty(), b.schedule());
        assertEquals("/var/lib/dcs/backup", b.hostDir());
        assertEquals(7, b.hostKeep());
    }

    @Test
    void everyBackupVariableIsRead() {
        BackupSettings b = load("backup.yml").cluster().backup();
        assertEquals(Fixtures.HOME.resolve("etcd-backups"), b.localDir());
        assertEquals(3, b.keep());
        assertEquals(Optional.of("*-*-* 02:30:00"), b.schedule());
        assertEquals(2, b.hostKeep());
    }

    @Test
    void badValuesAreReportedWhereTheyAreWritten() {
        String f = "bad-backup.yml";
        List<String> messages = fail(f).problems().stream().map(p -> p.location() + ": " + p.message()).toList();
        assertEquals(List.of(
                at(f, 3, 26) + ": dcsprov_backup_keep must be between 1 and 100000, not 0",
                at(f, 4, 30) + ": dcsprov_backup_schedule 'daily\nExecStart=/bin/evil' is not a systemd calendar expression",
                at(f, 5, 30) + ": dcsprov_backup_host_dir 'backup' must be an absolute path on the hosts",
                at(f, 6, 31) + ": dcsprov_backup_host_keep must be an integer, not the string 'many'",
                at(f, 7, 5) + ": unknown variable 'dcsprov_backup_kep'; did you mean 'dcsprov_backup_keep'?"), messages);
    }
}
