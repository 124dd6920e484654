package io.gmtls.tboxsim.cli;

import java.util.Stack;

import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Takes the next argument as the option's value even when it begins with '-'. Secrets such as enrollment tokens are
 * base64url, whose alphabet has '-': one token in 64 begins with it, and picocli would otherwise read
 * {@code -hTWc…} as the option cluster {@code -h -T …}. Only an argument that is exactly one of the command's
 * option names is taken as a missing value.
 */
final class VerbatimValue implements IParameterConsumer {

    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
        String name = argSpec.isOption() ? ((OptionSpec) argSpec).longestName() : argSpec.paramLabel();
        if (args.isEmpty()) {
            throw new ParameterException(commandSpec.commandLine(),
                    "Missing required parameter for option '" + name + "' (" + argSpec.paramLabel() + ")");
        }
        if (args.peek().startsWith("-") && commandSpec.findOption(args.peek()) != null) {
            throw new ParameterException(commandSpec.commandLine(),
                    "Expected parameter for option '" + name + "' but found '" + args.peek() + "'");
        }
        argSpec.setValue(args.pop());
    }
}
