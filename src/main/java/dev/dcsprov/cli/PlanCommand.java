package dev.dcsprov.cli;

import picocli.CommandLine.Command;

/** dcsprov plan: what apply would do, changing nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Shows per host what apply would change and why, with diffs of config files.",
                "Key material and passwords are shown as (sensitive). Changes nothing, locally or on hosts."})
final class PlanCommand extends InventoryCommand implements TakesLimit {
    @picocli.CommandLine.Option(names = "--remove-absent-members",
            description = "Show the removal of cluster members the inventory no longer lists, as apply --remove-absent-members does it")
    boolean removeAbsentMembers;

    @Override
    public Integer call() {
        return ApplyCommand.run(this, false, removeAbsentMembers);
    }
}
