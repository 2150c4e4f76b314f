using ArxivDigest.Delivery;
using ArxivDigest.Digests;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Delivery;

/// <summary>
/// The delivery ledger's contract, for every store: 0 failed, 1 delivered, 2 sending. "Sending" is set before each
/// send; a delivered record always wins; a send interrupted between the POST and its record is reported, not resent.
/// A store's tests derive from this class and say how to open a fresh ledger.
/// </summary>
public abstract class DeliveryLedgerContract : IAsyncLifetime
{
    private static readonly Digest Digest = new()
    {
        Name = "default",
        ListingDate = new DateOnly(2026, 3, 26),
        AnnouncedAt = new DateTimeOffset(2026, 3, 25, 20, 0, 0, TimeSpan.FromHours(-4)),
        GeneratedAt = new DateTimeOffset(2026, 3, 26, 9, 0, 0, TimeSpan.FromHours(8)),
        Categories = ["cs"],
        Groups = [],
    };

    private IDeliveryLedger ledger = null!;

    /// <summary>A fresh, empty ledger.</summary>
    protected abstract Task<IDeliveryLedger> OpenLedgerAsync();

    public async Task InitializeAsync() => ledger = await OpenLedgerAsync();

    public virtual async Task DisposeAsync()
    {
        if (ledger is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }
    }

    private Task<IReadOnlyList<DeliveryOutcome>> Deliver(bool resend, params Channel[] channels) =>
        DeliveryFanOut.DeliverAsync(Digest, channels, ledger, resend, TimeProvider.System, CancellationToken.None);

    [StoreFact]
    public async Task A_send_interrupted_between_the_post_and_its_record_is_reported_and_not_sent_again()
    {
        var a = new Channel("a");
        var b = new Channel("b");

        // The process "dies" right after b's send: its outcome never reaches the ledger.
        await Assert.ThrowsAsync<SimulatedCrash>(() =>
            DeliveryFanOut.DeliverAsync(Digest, [a, b], new CrashAfterSend(ledger, "b"), false, TimeProvider.System, CancellationToken.None));
        Assert.Equal(1, b.Sent);

        var outcomes = await Deliver(false, a, b);

        Assert.Equal([DeliveryState.AlreadyDelivered, DeliveryState.Interrupted], outcomes.Select(o => o.State));
        Assert.Equal(1, a.Sent);
        Assert.Equal(1, b.Sent);
        Assert.Equal(new HashSet<string> { "b" }, await ledger.GetInterruptedChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
    }

    [StoreFact]
    public async Task Resend_sends_an_interrupted_delivery_again_and_then_records_it_delivered()
    {
        var b = new Channel("b");
        await Assert.ThrowsAsync<SimulatedCrash>(() =>
            DeliveryFanOut.DeliverAsync(Digest, [b], new CrashAfterSend(ledger, "b"), false, TimeProvider.System, CancellationToken.None));

        var outcomes = await Deliver(true, b);

        Assert.Equal([DeliveryState.Delivered], outcomes.Select(o => o.State));
        Assert.Equal(2, b.Sent);
        Assert.Empty(await ledger.GetInterruptedChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
        Assert.Equal(new HashSet<string> { "b" }, await ledger.GetDeliveredChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
    }

    [StoreFact]
    public async Task A_send_that_fails_is_recorded_failed_not_sending_and_is_retried_next_time()
    {
        var b = new Channel("b") { Fail = true };
        await Deliver(false, b);
        Assert.Empty(await ledger.GetInterruptedChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
        b.Fail = false;

        var outcomes = await Deliver(false, b);

        Assert.Equal([DeliveryState.Delivered], outcomes.Select(o => o.State));
        Assert.Equal(1, b.Sent);
    }

    [StoreFact]
    public async Task A_failed_record_never_downgrades_a_delivered_channel()
    {
        await ledger.RecordDeliveryAsync("default", Digest.ListingDate, "a", true, null, DateTimeOffset.UtcNow, CancellationToken.None);
        await ledger.RecordDeliveryAsync("default", Digest.ListingDate, "a", false, "late failure", DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(new HashSet<string> { "a" }, await ledger.GetDeliveredChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
    }

    private sealed class SimulatedCrash : Exception;

    /// <summary>The real ledger, except that recording <paramref name="channel"/>'s outcome "kills the process".</summary>
    private sealed class CrashAfterSend(IDeliveryLedger inner, string channel) : IDeliveryLedger
    {
        public Task<IReadOnlySet<string>> GetDeliveredChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
            inner.GetDeliveredChannelsAsync(digest, listingDate, cancellationToken);

        public Task<IReadOnlySet<string>> GetInterruptedChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
            inner.GetInterruptedChannelsAsync(digest, listingDate, cancellationToken);

        public Task MarkSendingAsync(string digest, DateOnly listingDate, string name, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.MarkSendingAsync(digest, listingDate, name, at, cancellationToken);

        public Task RecordDeliveryAsync(string digest, DateOnly listingDate, string name, bool delivered, string? error, DateTimeOffset at, CancellationToken cancellationToken) =>
            name == channel ? throw new SimulatedCrash() : inner.RecordDeliveryAsync(digest, listingDate, name, delivered, error, at, cancellationToken);
    }


    private sealed class Channel(string name) : IDeliveryChannel
    {
        public string Name => name;

        public bool Fail { get; set; }

        public int Sent { get; private set; }

        public Task DeliverAsync(Digest digest, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new DeliveryException(name, "boom");
            }

            Sent++;
            return Task.CompletedTask;
        }
    }
}

/// <summary>The ledger contract on SQLite.</summary>
public sealed class SqliteDeliveryLedgerTests : DeliveryLedgerContract
{
    private readonly string dir = Directory.CreateTempSubdirectory("arxiv-digest-ledger-").FullName;

    protected override async Task<IDeliveryLedger> OpenLedgerAsync() => await SqliteStore.OpenAsync(Path.Combine(dir, "ledger.db"), CancellationToken.None);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }
}

/// <summary>The ledger contract on PostgreSQL (skipped with a reason when there is no server).</summary>
[RequiresPostgres]
public sealed class PostgresDeliveryLedgerTests : DeliveryLedgerContract
{
    private string schema = "";

    protected override async Task<IDeliveryLedger> OpenLedgerAsync()
    {
        (var cs, schema) = await Postgres.CreateSchemaAsync();
        return await PostgresStore.OpenAsync(cs, CancellationToken.None);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (schema.Length > 0)
        {
            await Postgres.DropSchemaAsync(schema);
        }
    }
}
