namespace ArxivDigest.Tests.Support;

/// <summary>A stderr that cancels the run when a line containing <paramref name="marker"/> is written.</summary>
public sealed class CancelOnWrite(string marker, CancellationTokenSource cancel) : StringWriter
{
    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        if (value is not null && value.Contains(marker, StringComparison.Ordinal))
        {
            cancel.Cancel();
        }
    }
}
