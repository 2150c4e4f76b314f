namespace ArxivDigest.Cli.Configuration;

/// <summary>One configuration problem, with where it is (file:line, an environment variable, or an option).</summary>
public sealed record ConfigProblem(string Where, string Message)
{
    public override string ToString() => $"{Where}: {Message}";
}

/// <summary>Configuration that cannot be used; carries every problem found, each with its place.</summary>
public sealed class ConfigurationException(IReadOnlyList<ConfigProblem> problems)
    : Exception(string.Join("; ", problems))
{
    public ConfigurationException(string where, string message)
        : this([new ConfigProblem(where, message)])
    {
    }

    public IReadOnlyList<ConfigProblem> Problems { get; } = problems;
}
