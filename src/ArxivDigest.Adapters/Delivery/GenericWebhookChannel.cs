using System.Text;
using ArxivDigest.Digests;
using ArxivDigest.Rendering;

namespace ArxivDigest.Delivery;

/// <summary>A plain webhook: POSTs the digest JSON (the <c>json</c> format, see README "JSON output") as one request; any 2xx is success.</summary>
public sealed class GenericWebhookChannel(HttpClient http, ChannelOptions options, TimeProvider time) : IDeliveryChannel
{
    private const string Platform = "Webhook";

    public string Name => options.Name;

    public async Task DeliverAsync(Digest digest, CancellationToken cancellationToken)
    {
        _ = time;
        var url = WebhookHttp.RequireUrl(options, Platform);
        var json = new JsonRenderer().RenderToString(digest);
        var (status, answer) = await WebhookHttp.PostAsync(http, options, Platform, url, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken).ConfigureAwait(false);
        if (status is < 200 or > 299)
        {
            throw WebhookHttp.Unexpected(options, Platform, status, answer, url);
        }
    }
}
