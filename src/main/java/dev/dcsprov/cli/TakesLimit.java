package dev.dcsprov.cli;

/**
 * A command whose work --limit can narrow to some members (apply, plan, rotate-certs). The others judge or act on
 * the whole cluster (status, certs, member, backup, restore, maintain, upgrade) and refuse --limit rather than give a partial answer.
 */
interface TakesLimit {
    String WHY_NOT = "looks at or acts on the cluster as a whole (every member); a partial view or change could mislead or break it";
}
