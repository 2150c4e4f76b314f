using Microsoft.Extensions.Logging;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>Routes adapter log messages (requests, retries) to the <see cref="Reporter"/>.</summary>
public sealed class ReporterLogger(Reporter reporter) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        if (logLevel >= LogLevel.Warning)
        {
            reporter.Warn(message);
        }
        else
        {
            reporter.Info(message);
        }
    }
}
