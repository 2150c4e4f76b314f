using ArxivDigest.Digests;

namespace ArxivDigest.Delivery;

/// <summary>The delivery ledger (the store implements it): each (digest, listing date, channel) delivered at most once.</summary>
public interface IDeliveryLedger
{
    Task<IReadOnlySet<string>> GetDeliveredChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken);

    Task RecordDeliveryAsync(string digest, DateOnly listingDate, string channel, bool delivered, string? error, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>What happened to one channel.</summary>
public sealed record DeliveryOutcome(string Channel, DeliveryState State, string? Error = null);

public enum DeliveryState
{
    Delivered,
    AlreadyDelivered,
    Failed,
}

/// <summary>
/// Delivers a digest to every channel that has not had it yet (all of them with <c>resend</c>), recording each
/// outcome in the ledger. One channel failing never stops the others (the failure policy lives here, not in channels).
/// </summary>
public static class DeliveryFanOut
{
    public static async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(
        Digest digest, IReadOnlyList<IDeliveryChannel> channels, IDeliveryLedger ledger, bool resend, TimeProvider time, CancellationToken cancellationToken)
    {
        var done = resend ? new HashSet<string>() : await ledger.GetDeliveredChannelsAsync(digest.Name, digest.ListingDate, cancellationToken);
        var outcomes = new List<DeliveryOutcome>();
        foreach (var channel in channels)
        {
            if (done.Contains(channel.Name))
            {
                outcomes.Add(new DeliveryOutcome(channel.Name, DeliveryState.AlreadyDelivered));
                continue;
            }

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
