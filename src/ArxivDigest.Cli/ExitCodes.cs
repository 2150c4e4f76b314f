namespace ArxivDigest.Cli;

/// <summary>The process exit codes; a contract for scripts and CI.</summary>
public static class ExitCodes
{
    /// <summary>Success, including a day with no announcement (the output says which).</summary>
    public const int Success = 0;

    /// <summary>Anything unexpected (a bug): the message names the exception.</summary>
    public const int Unexpected = 1;

    /// <summary>Usage or configuration error: bad option, config file problem, unusable database path.</summary>
    public const int Usage = 2;

    /// <summary>Source error: fetch failed after retries, or the response could not be parsed or was inconsistent.</summary>
    public const int Source = 3;

    /// <summary>
    /// Partial: the digest was written, but something is pending (a translation that failed shows the English text and
    /// a "translation pending" marker); the next run completes it.
    /// </summary>
    public const int Partial = 4;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
