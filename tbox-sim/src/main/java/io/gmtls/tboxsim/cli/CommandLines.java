package io.gmtls.tboxsim.cli;

import java.io.PrintWriter;
import java.time.Duration;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The picocli command tree and its error handling: a bad option is one line on stderr and exit code 2;
 * a setup failure one line and exit code 1; never a stack trace.
 */
public final class CommandLines {

    private CommandLines() {
    }

    /** The top command. */
    @Command(name = "tbox-sim", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, version = "tbox-sim 0.1.0",
            description = {"Vehicle (T-Box) simulator and load generator for the GM TLS gateway: enrolls vehicles, "
                    + "keeps thousands of MQTT connections over TLCP or TLS 1.3, publishes telemetry, reconnects.",
                    ""},
            subcommands = {EnrollCommand.class, RenewCommand.class, ConnectCommand.class, SubscribeCommand.class,
                    CommandLine.HelpCommand.class},
            footerHeading = "%nExit codes:%n",
            footer = {"  0  success", "  1  setup failure (unreadable files, unusable credentials)",
                    "  2  bad options", "  3  completed with errors (failed connections/enrollments, missing messages)"})
    static final class Top implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "a command is needed: enroll, renew, connect or subscribe");
        }
    }

    /** A configured command line writing to {@code out} and {@code err}. */
    public static CommandLine create(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Top());
        cl.registerConverter(Duration.class, new Converters.DurationValue());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + ex.getMessage()
                    + " (see --help)");
            failed.getErr().flush();
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            String name = failed.getCommandSpec().qualifiedName();
            if (ex instanceof IllegalArgumentException) {
                failed.getErr().println(name + ": " + ex.getMessage() + " (see --help)");
                failed.getErr().flush();
                return ExitCodes.USAGE;
            }
            String message = ex instanceof CliFailure ? ex.getMessage()
                    : "unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage();
            failed.getErr().println(name + ": " + message);
            failed.getErr().flush();
            return ExitCodes.FAILURE;
        });
        return cl;
    }
}
