using ArxivDigest.Digests;

namespace ArxivDigest.Delivery;

/// <summary>
/// The delivery ledger (the store implements it): each (digest, listing date, channel) delivered at most once.
/// A row's state (<c>deliveries.delivered</c>): 0 failed, 1 delivered, 2 sending (marked before the send; a crash
/// between the send and its record leaves it there, and the next run reports it instead of sending again).
/// </summary>
public interface IDeliveryLedger
{
    /// <summary>Channels with state 1 (delivered).</summary>
    Task<IReadOnlySet<string>> GetDeliveredChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken);

    /// <summary>Sets state 2 (sending) before the send, durably; whatever the row held before.</summary>
    Task MarkSendingAsync(string digest, DateOnly listingDate, string channel, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records the send's outcome: state 1 when delivered; state 0 when failed, unless already 1.</summary>
    Task RecordDeliveryAsync(string digest, DateOnly listingDate, string channel, bool delivered, string? error, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Channels left in state 2 (sending): a send was interrupted and may have reached the channel. A store that
    /// cannot tell returns none (its interrupted sends are then retried, at-least-once).
    /// </summary>
    Task<IReadOnlySet<string>> GetInterruptedChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(StringComparer.Ordinal));
}

/// <summary>What happened to one channel.</summary>
public sealed record DeliveryOutcome(string Channel, DeliveryState State, string? Error = null);

public enum DeliveryState
{
    Delivered,
    AlreadyDelivered,
    Failed,

    /// <summary>An earlier send was interrupted (crash) and may have arrived; not resent without <c>resend</c>.</summary>
    Interrupted,

    /// <summary>Not sent and not recorded: the fan-out's guard said this instance may no longer deliver (a lost run claim).</summary>
    Withheld,
}

/// <summary>
/// Delivers a digest to every channel that has not had it yet (all of them with <c>resend</c>), recording each
/// outcome in the ledger. One channel failing never stops the others (the failure policy lives here, not in channels).
/// At most once: the ledger says "sending" before each send, so a process killed between the send and its record
/// leaves a trace; that channel is then reported as <see cref="DeliveryState.Interrupted"/>, not sent again.
/// <paramref name="mayDeliver"/>, when given, is asked before each send; once it says false, that channel and every
/// later one are <see cref="DeliveryState.Withheld"/>: neither sent nor recorded, left to whoever may deliver.
/// </summary>
public static class DeliveryFanOut
{
    public static async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(
        Digest digest, IReadOnlyList<IDeliveryChannel> channels, IDeliveryLedger ledger, bool resend, TimeProvider time, CancellationToken cancellationToken,
        Func<CancellationToken, Task<bool>>? mayDeliver = null)
    {
        var done = resend ? new HashSet<string>() : await ledger.GetDeliveredChannelsAsync(digest.Name, digest.ListingDate, cancellationToken);
        var interrupted = resend ? new HashSet<string>() : await ledger.GetInterruptedChannelsAsync(digest.Name, digest.ListingDate, cancellationToken);
        var outcomes = new List<DeliveryOutcome>();
        var withheld = false;
        foreach (var channel in channels)
        {
            if (done.Contains(channel.Name))
            {
                outcomes.Add(new DeliveryOutcome(channel.Name, DeliveryState.AlreadyDelivered));
                continue;
            }

            if (interrupted.Contains(channel.Name))
            {
                outcomes.Add(new DeliveryOutcome(channel.Name, DeliveryState.Interrupted));
                continue;
            }

            if (withheld || (mayDeliver is not null && !await mayDeliver(cancellationToken)))
            {
                withheld = true;
                outcomes.Add(new DeliveryOutcome(channel.Name, DeliveryState.Withheld));
                continue;
            }

            await ledger.MarkSendingAsync(digest.Name, digest.ListingDate, channel.Name, time.GetUtcNow(), cancellationToken);
            try
            {
                await channel.DeliverAsync(digest, cancellationToken);
                await ledger.RecordDeliveryAsync(digest.Name, digest.ListingDate, channel.Name, true, null, time.GetUtcNow(), cancellationToken);
                outcomes.Add(new DeliveryOutcome(channel.Name, DeliveryState.Delivered));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var message = e is DeliveryException ? e.Message : $"{channel.Name}: {e.GetType().Name}: {e.Message}";
                await ledger.RecordDeliveryAsync(digest.Name, digest.ListingDate, channel.Name, false, message, time.GetUtcNow(), CancellationToken.None);
                outcomes.Add(new DeliveryOutcome(channel.Name, DeliveryState.Failed, message.ReplaceLineEndings(" ")));
            }
        }

        return outcomes;
    }
}
